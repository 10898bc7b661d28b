-- Bot settings: how the widget looks.

CREATE TABLE "BotAppearances" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BotAppearances" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "DisplayName" TEXT NULL,
    "Tooltip" TEXT NOT NULL,
    "WelcomeMessage" TEXT NOT NULL,
    "Placeholder" TEXT NOT NULL,
    "BrandColor" TEXT NOT NULL,
    "BrandTextColor" TEXT NOT NULL,
    "LinkColor" TEXT NOT NULL,
    "FontSize" INTEGER NOT NULL,
    "ChatHeight" INTEGER NOT NULL,
    "IconSize" TEXT NOT NULL,
    "Position" TEXT NOT NULL,
    "BottomDistance" INTEGER NOT NULL,
    "SideDistance" INTEGER NOT NULL,
    "DarkMode" INTEGER NOT NULL,
    "RightToLeft" INTEGER NOT NULL,
    "HideBranding" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_BotAppearances_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotAppearances_ChatbotId" ON "BotAppearances" ("ChatbotId");
CREATE INDEX "IX_BotAppearances_TenantId" ON "BotAppearances" ("TenantId");
