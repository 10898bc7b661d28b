-- Bot settings: how the widget looks.

CREATE TABLE "BotAppearances" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "DisplayName" character varying(100),
    "Tooltip" character varying(120) NOT NULL,
    "WelcomeMessage" character varying(500) NOT NULL,
    "Placeholder" character varying(120) NOT NULL,
    "BrandColor" character varying(7) NOT NULL,
    "BrandTextColor" character varying(7) NOT NULL,
    "LinkColor" character varying(7) NOT NULL,
    "FontSize" integer NOT NULL,
    "ChatHeight" integer NOT NULL,
    "IconSize" character varying(10) NOT NULL,
    "Position" character varying(10) NOT NULL,
    "BottomDistance" integer NOT NULL,
    "SideDistance" integer NOT NULL,
    "DarkMode" boolean NOT NULL,
    "RightToLeft" boolean NOT NULL,
    "HideBranding" boolean NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_BotAppearances" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_BotAppearances_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotAppearances_ChatbotId" ON "BotAppearances" ("ChatbotId");
CREATE INDEX "IX_BotAppearances_TenantId" ON "BotAppearances" ("TenantId");
