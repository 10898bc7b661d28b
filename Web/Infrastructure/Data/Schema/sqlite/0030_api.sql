-- The public API: keys (prefix + hash), the request log and per-minute rate windows (issue 19).
CREATE TABLE "ApiKeys" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiKeys" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "Hash" TEXT NOT NULL,
    "Scopes" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "CreatedBy" TEXT NULL,
    "LastUsedAt" INTEGER NULL,
    "LastUsedIp" TEXT NULL,
    "RevokedAt" INTEGER NULL
);
CREATE TABLE "ApiRateWindows" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ApiRateWindows" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "KeyId" TEXT NOT NULL,
    "WindowStart" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL,
    CONSTRAINT "FK_ApiRateWindows_ApiKeys_KeyId" FOREIGN KEY ("KeyId") REFERENCES "ApiKeys" ("Id") ON DELETE CASCADE
);
CREATE TABLE "ApiRequestLogs" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ApiRequestLogs" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "KeyId" TEXT NOT NULL,
    "Method" TEXT NOT NULL,
    "Path" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "DurationMs" INTEGER NOT NULL,
    "Ip" TEXT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_ApiRequestLogs_ApiKeys_KeyId" FOREIGN KEY ("KeyId") REFERENCES "ApiKeys" ("Id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "IX_ApiKeys_Prefix" ON "ApiKeys" ("Prefix");
CREATE INDEX "IX_ApiKeys_TenantId" ON "ApiKeys" ("TenantId");
CREATE UNIQUE INDEX "IX_ApiRateWindows_KeyId_WindowStart" ON "ApiRateWindows" ("KeyId", "WindowStart");
CREATE INDEX "IX_ApiRateWindows_TenantId" ON "ApiRateWindows" ("TenantId");
CREATE INDEX "IX_ApiRequestLogs_KeyId" ON "ApiRequestLogs" ("KeyId");
CREATE INDEX "IX_ApiRequestLogs_TenantId_At" ON "ApiRequestLogs" ("TenantId", "At");
