-- Bot settings: how the bot answers.

CREATE TABLE "BotGenerals" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "Model" character varying(100) NOT NULL,
    "HistoryMessages" integer NOT NULL,
    "PageContext" boolean NOT NULL,
    "SmartFollowUps" boolean NOT NULL,
    "LimitMessages" boolean NOT NULL,
    "MaxMessages" integer NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_BotGenerals" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_BotGenerals_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotGenerals_ChatbotId" ON "BotGenerals" ("ChatbotId");
CREATE INDEX "IX_BotGenerals_TenantId" ON "BotGenerals" ("TenantId");
