-- Bot settings: how the widget behaves.

CREATE TABLE "BotBehaviors" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "HideSources" boolean NOT NULL,
    "HideTooltip" boolean NOT NULL,
    "HideFeedback" boolean NOT NULL,
    "RequireTerms" boolean NOT NULL,
    "TermsText" character varying(300) NOT NULL,
    "Disclaimer" character varying(300) NOT NULL,
    "AutoOpenDesktop" boolean NOT NULL,
    "AutoOpenDesktopDelay" integer NOT NULL,
    "AutoOpenMobile" boolean NOT NULL,
    "AutoOpenMobileDelay" integer NOT NULL,
    "FollowUpCount" integer NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_BotBehaviors" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_BotBehaviors_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotBehaviors_ChatbotId" ON "BotBehaviors" ("ChatbotId");
CREATE INDEX "IX_BotBehaviors_TenantId" ON "BotBehaviors" ("TenantId");
