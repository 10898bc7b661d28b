-- Bot settings: leads (and the visitor as a lead), human support (escalation), localization.

ALTER TABLE "Visitors" ADD COLUMN "LeadAt" INTEGER NULL;
ALTER TABLE "Visitors" ADD COLUMN "LeadFields" TEXT NULL;
ALTER TABLE "Visitors" ADD COLUMN "LeadConversationId" TEXT NULL;
ALTER TABLE "Conversations" ADD COLUMN "EscalatedAt" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "LeadAskedAt" INTEGER NULL;

CREATE TABLE "BotLocales" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BotLocales" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Locale" TEXT NOT NULL,
    "TextsJson" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_BotLocales_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "BotLocalizations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BotLocalizations" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "DefaultLocale" TEXT NOT NULL,
    "MatchBrowser" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_BotLocalizations_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "HumanSupportSettings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_HumanSupportSettings" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Enabled" INTEGER NOT NULL,
    "ReplaceSuggestions" INTEGER NOT NULL,
    "PositivePrompt" TEXT NOT NULL,
    "RequestPrompt" TEXT NOT NULL,
    "Confirmation" TEXT NOT NULL,
    "Notify" INTEGER NOT NULL,
    "NotifyEmails" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_HumanSupportSettings_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "LeadSettings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_LeadSettings" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Enabled" INTEGER NOT NULL,
    "CollectName" INTEGER NOT NULL,
    "CollectPhone" INTEGER NOT NULL,
    "Industry" TEXT NOT NULL,
    "Trigger" TEXT NOT NULL,
    "AfterMessages" INTEGER NOT NULL,
    "TriggerKeywords" TEXT NOT NULL,
    "FieldsJson" TEXT NOT NULL,
    "BookingEnabled" INTEGER NOT NULL,
    "BookingUrl" TEXT NOT NULL,
    "Notify" INTEGER NOT NULL,
    "NotifyEmails" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_LeadSettings_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotLocales_ChatbotId_Locale" ON "BotLocales" ("ChatbotId", "Locale");

CREATE INDEX "IX_BotLocales_TenantId" ON "BotLocales" ("TenantId");

CREATE UNIQUE INDEX "IX_BotLocalizations_ChatbotId" ON "BotLocalizations" ("ChatbotId");

CREATE INDEX "IX_BotLocalizations_TenantId" ON "BotLocalizations" ("TenantId");

CREATE UNIQUE INDEX "IX_HumanSupportSettings_ChatbotId" ON "HumanSupportSettings" ("ChatbotId");

CREATE INDEX "IX_HumanSupportSettings_TenantId" ON "HumanSupportSettings" ("TenantId");

CREATE UNIQUE INDEX "IX_LeadSettings_ChatbotId" ON "LeadSettings" ("ChatbotId");

CREATE INDEX "IX_LeadSettings_TenantId" ON "LeadSettings" ("TenantId");

CREATE INDEX "IX_Visitors_TenantId_LeadAt" ON "Visitors" ("TenantId", "LeadAt");
