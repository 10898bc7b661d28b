-- Chatbots, who is assigned to them, and the bots an invitation grants.

CREATE TABLE "Chatbots" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "PublicId" character varying(40) NOT NULL,
    "Name" character varying(100) NOT NULL,
    "Description" character varying(500) NOT NULL,
    "Type" character varying(30) NOT NULL,
    "Status" character varying(20) NOT NULL,
    "TrainingStatus" character varying(20) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "LastTrainedAt" timestamp with time zone,
    "KnowledgeVersion" bigint NOT NULL,
    CONSTRAINT "PK_Chatbots" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Chatbots_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE TABLE "BotAssignments" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "UserId" uuid NOT NULL,
    CONSTRAINT "PK_BotAssignments" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_BotAssignments_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_BotAssignments_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_BotAssignments_ChatbotId_UserId" ON "BotAssignments" ("ChatbotId", "UserId");

CREATE INDEX "IX_BotAssignments_TenantId_UserId" ON "BotAssignments" ("TenantId", "UserId");

CREATE INDEX "IX_BotAssignments_UserId" ON "BotAssignments" ("UserId");

CREATE UNIQUE INDEX "IX_Chatbots_PublicId" ON "Chatbots" ("PublicId");

CREATE INDEX "IX_Chatbots_TenantId" ON "Chatbots" ("TenantId");

ALTER TABLE "Invitations" ADD "BotIds" character varying(2000) NOT NULL DEFAULT '';
