-- Chatbots, who is assigned to them, and the bots an invitation grants.

CREATE TABLE "Chatbots" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Chatbots" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "PublicId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "TrainingStatus" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastTrainedAt" INTEGER NULL,
    "KnowledgeVersion" INTEGER NOT NULL,
    CONSTRAINT "FK_Chatbots_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE TABLE "BotAssignments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BotAssignments" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "FK_BotAssignments_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_BotAssignments_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotAssignments_ChatbotId_UserId" ON "BotAssignments" ("ChatbotId", "UserId");

CREATE INDEX "IX_BotAssignments_TenantId_UserId" ON "BotAssignments" ("TenantId", "UserId");

CREATE INDEX "IX_BotAssignments_UserId" ON "BotAssignments" ("UserId");

CREATE UNIQUE INDEX "IX_Chatbots_PublicId" ON "Chatbots" ("PublicId");

CREATE INDEX "IX_Chatbots_TenantId" ON "Chatbots" ("TenantId");

ALTER TABLE "Invitations" ADD "BotIds" TEXT NOT NULL DEFAULT '';
