-- Team invitations, website domains and the audit trail.

CREATE TABLE "AuditLogs" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditLogs" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    "UserId" TEXT NULL,
    "UserEmail" TEXT NULL,
    "Action" TEXT NOT NULL,
    "EntityType" TEXT NOT NULL,
    "EntityId" TEXT NULL,
    "Target" TEXT NULL,
    "OldValues" TEXT NULL,
    "NewValues" TEXT NULL,
    "IpAddress" TEXT NULL,
    CONSTRAINT "FK_AuditLogs_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Domains" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Domains" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Host" TEXT NOT NULL,
    "VerificationToken" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "VerifiedAt" INTEGER NULL,
    "LastCheckedAt" INTEGER NULL,
    "LastError" TEXT NULL,
    CONSTRAINT "FK_Domains_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Invitations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Invitations" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Email" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "LastSentAt" INTEGER NOT NULL,
    "InvitedByUserId" TEXT NOT NULL,
    "AcceptedAt" INTEGER NULL,
    "AcceptedByUserId" TEXT NULL,
    CONSTRAINT "FK_Invitations_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_AuditLogs_TenantId_Id" ON "AuditLogs" ("TenantId", "Id");

CREATE UNIQUE INDEX "IX_Domains_TenantId_Host" ON "Domains" ("TenantId", "Host");

CREATE INDEX "IX_Invitations_TenantId_Email" ON "Invitations" ("TenantId", "Email");

CREATE UNIQUE INDEX "IX_Invitations_TokenHash" ON "Invitations" ("TokenHash");
