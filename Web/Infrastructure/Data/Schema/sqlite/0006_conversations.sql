-- Conversations: visitors, conversations and their messages, monthly usage, the domains a bot runs on, system errors.

CREATE TABLE "Visitors" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Visitors" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "Name" TEXT NULL,
    "Email" TEXT NULL,
    "Phone" TEXT NULL,
    "PlaygroundUserId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastSeenAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Visitors_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Conversations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Conversations" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "VisitorId" TEXT NOT NULL,
    "Channel" TEXT NOT NULL,
    "Mode" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "DomainHost" TEXT NULL,
    "PageUrl" TEXT NULL,
    "PageTitle" TEXT NULL,
    "Escalated" INTEGER NOT NULL,
    "Resolved" INTEGER NOT NULL,
    "Archived" INTEGER NOT NULL,
    "MessageCount" INTEGER NOT NULL,
    "PositiveCount" INTEGER NOT NULL,
    "NegativeCount" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastMessageAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Conversations_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_Conversations_Visitors_VisitorId" FOREIGN KEY ("VisitorId") REFERENCES "Visitors" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Messages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Messages" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "ConversationId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Content" TEXT NOT NULL,
    "Model" TEXT NULL,
    "TokensIn" INTEGER NOT NULL,
    "TokensOut" INTEGER NOT NULL,
    "ResponseMs" INTEGER NULL,
    "Sources" TEXT NULL,
    "FollowUps" TEXT NULL,
    "Reaction" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Messages_Conversations_ConversationId" FOREIGN KEY ("ConversationId") REFERENCES "Conversations" ("Id") ON DELETE CASCADE
);

CREATE TABLE "UsagePeriods" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_UsagePeriods" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Period" TEXT NOT NULL,
    "Messages" INTEGER NOT NULL,
    "LimitNoticeSentAt" INTEGER NULL,
    CONSTRAINT "FK_UsagePeriods_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE TABLE "ModelUsages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ModelUsages" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Period" TEXT NOT NULL,
    "Model" TEXT NOT NULL,
    "Messages" INTEGER NOT NULL,
    "TokensIn" INTEGER NOT NULL,
    "TokensOut" INTEGER NOT NULL,
    CONSTRAINT "FK_ModelUsages_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE TABLE "BotDomains" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BotDomains" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "DomainId" TEXT NOT NULL,
    CONSTRAINT "FK_BotDomains_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_BotDomains_Domains_DomainId" FOREIGN KEY ("DomainId") REFERENCES "Domains" ("Id") ON DELETE CASCADE
);

CREATE TABLE "SystemErrors" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SystemErrors" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NULL,
    "Service" TEXT NOT NULL,
    "Stage" TEXT NOT NULL,
    "Severity" TEXT NOT NULL,
    "Message" TEXT NOT NULL,
    "Reference" TEXT NULL,
    "Retryable" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ResolvedAt" INTEGER NULL
);

CREATE UNIQUE INDEX "IX_BotDomains_ChatbotId_DomainId" ON "BotDomains" ("ChatbotId", "DomainId");
CREATE INDEX "IX_BotDomains_DomainId" ON "BotDomains" ("DomainId");
CREATE INDEX "IX_BotDomains_TenantId" ON "BotDomains" ("TenantId");
CREATE INDEX "IX_Conversations_ChatbotId_LastMessageAt" ON "Conversations" ("ChatbotId", "LastMessageAt");
CREATE INDEX "IX_Conversations_TenantId" ON "Conversations" ("TenantId");
CREATE INDEX "IX_Conversations_VisitorId_LastMessageAt" ON "Conversations" ("VisitorId", "LastMessageAt");
CREATE INDEX "IX_Messages_ConversationId_Id" ON "Messages" ("ConversationId", "Id");
CREATE INDEX "IX_Messages_TenantId" ON "Messages" ("TenantId");
CREATE UNIQUE INDEX "IX_ModelUsages_TenantId_Period_Model" ON "ModelUsages" ("TenantId", "Period", "Model");
CREATE INDEX "IX_SystemErrors_CreatedAt" ON "SystemErrors" ("CreatedAt");
CREATE UNIQUE INDEX "IX_UsagePeriods_TenantId_Period" ON "UsagePeriods" ("TenantId", "Period");
CREATE INDEX "IX_Visitors_ChatbotId" ON "Visitors" ("ChatbotId");
CREATE INDEX "IX_Visitors_TenantId_ChatbotId" ON "Visitors" ("TenantId", "ChatbotId");
CREATE UNIQUE INDEX "IX_Visitors_TokenHash" ON "Visitors" ("TokenHash");
