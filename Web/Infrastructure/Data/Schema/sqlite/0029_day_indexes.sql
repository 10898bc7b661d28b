-- Conversations and messages by day for the overview and analytics: the tenant-only indexes become (tenant, channel, day) and
-- (tenant, day), and the moments few conversations have (waiting, escalated, first reply, resolved, rated) are indexed
-- where set (issue 18).
DROP INDEX IF EXISTS "IX_Conversations_TenantId";
DROP INDEX IF EXISTS "IX_Messages_TenantId";
CREATE INDEX "IX_Conversations_TenantId_Channel_CreatedAt" ON "Conversations" ("TenantId", "Channel", "CreatedAt");
CREATE INDEX "IX_Conversations_TenantId_EscalatedAt" ON "Conversations" ("TenantId", "EscalatedAt") WHERE "EscalatedAt" IS NOT NULL;
CREATE INDEX "IX_Conversations_TenantId_FirstReplyAt" ON "Conversations" ("TenantId", "FirstReplyAt") WHERE "FirstReplyAt" IS NOT NULL;
CREATE INDEX "IX_Conversations_TenantId_RatedAt" ON "Conversations" ("TenantId", "RatedAt") WHERE "RatedAt" IS NOT NULL;
CREATE INDEX "IX_Conversations_TenantId_ResolvedAt" ON "Conversations" ("TenantId", "ResolvedAt") WHERE "ResolvedAt" IS NOT NULL;
CREATE INDEX "IX_Conversations_TenantId_WaitingSince" ON "Conversations" ("TenantId", "WaitingSince") WHERE "WaitingSince" IS NOT NULL;
CREATE INDEX "IX_Messages_TenantId_CreatedAt" ON "Messages" ("TenantId", "CreatedAt");
