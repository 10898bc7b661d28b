-- Bot settings: leads (and the visitor as a lead), human support (escalation), localization.

ALTER TABLE "Visitors" ADD COLUMN "LeadAt" timestamp with time zone;
ALTER TABLE "Visitors" ADD COLUMN "LeadFields" character varying(20000);
ALTER TABLE "Visitors" ADD COLUMN "LeadConversationId" uuid;
ALTER TABLE "Conversations" ADD COLUMN "EscalatedAt" timestamp with time zone;
ALTER TABLE "Conversations" ADD COLUMN "LeadAskedAt" timestamp with time zone;

CREATE TABLE "BotLocales" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "Locale" character varying(10) NOT NULL,
    "TextsJson" character varying(100000) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_BotLocales" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_BotLocales_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "BotLocalizations" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "DefaultLocale" character varying(10) NOT NULL,
    "MatchBrowser" boolean NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_BotLocalizations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_BotLocalizations_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "HumanSupportSettings" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "Enabled" boolean NOT NULL,
    "ReplaceSuggestions" boolean NOT NULL,
    "PositivePrompt" character varying(60) NOT NULL,
    "RequestPrompt" character varying(60) NOT NULL,
    "Confirmation" character varying(500) NOT NULL,
    "Notify" boolean NOT NULL,
    "NotifyEmails" character varying(1000) NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_HumanSupportSettings" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_HumanSupportSettings_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "LeadSettings" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "Enabled" boolean NOT NULL,
    "CollectName" boolean NOT NULL,
    "CollectPhone" boolean NOT NULL,
    "Industry" character varying(30) NOT NULL,
    "Trigger" character varying(20) NOT NULL,
    "AfterMessages" integer NOT NULL,
    "TriggerKeywords" character varying(1000) NOT NULL,
    "FieldsJson" character varying(10000) NOT NULL,
    "BookingEnabled" boolean NOT NULL,
    "BookingUrl" character varying(2048) NOT NULL,
    "Notify" boolean NOT NULL,
    "NotifyEmails" character varying(1000) NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_LeadSettings" PRIMARY KEY ("Id"),
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
