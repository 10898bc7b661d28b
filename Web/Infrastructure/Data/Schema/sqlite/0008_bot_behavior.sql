-- Bot settings: how the widget behaves.

CREATE TABLE "BotBehaviors" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BotBehaviors" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "HideSources" INTEGER NOT NULL,
    "HideTooltip" INTEGER NOT NULL,
    "HideFeedback" INTEGER NOT NULL,
    "RequireTerms" INTEGER NOT NULL,
    "TermsText" TEXT NOT NULL,
    "Disclaimer" TEXT NOT NULL,
    "AutoOpenDesktop" INTEGER NOT NULL,
    "AutoOpenDesktopDelay" INTEGER NOT NULL,
    "AutoOpenMobile" INTEGER NOT NULL,
    "AutoOpenMobileDelay" INTEGER NOT NULL,
    "FollowUpCount" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_BotBehaviors_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotBehaviors_ChatbotId" ON "BotBehaviors" ("ChatbotId");
CREATE INDEX "IX_BotBehaviors_TenantId" ON "BotBehaviors" ("TenantId");
