-- Bot settings: how the bot answers.

CREATE TABLE "BotGenerals" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BotGenerals" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Model" TEXT NOT NULL,
    "HistoryMessages" INTEGER NOT NULL,
    "PageContext" INTEGER NOT NULL,
    "SmartFollowUps" INTEGER NOT NULL,
    "LimitMessages" INTEGER NOT NULL,
    "MaxMessages" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_BotGenerals_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotGenerals_ChatbotId" ON "BotGenerals" ("ChatbotId");
CREATE INDEX "IX_BotGenerals_TenantId" ON "BotGenerals" ("TenantId");
