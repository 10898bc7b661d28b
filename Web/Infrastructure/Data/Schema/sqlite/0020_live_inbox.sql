-- The live inbox: conversations get a state machine (status, who answers, assignee, waiting and reply times, snooze,
-- importance, tags, unread, the visitor's rating) in place of the Mode / Escalated / Resolved / Archived flags; messages
-- get activity lines and private notes with the member who wrote them; saved replies, inbox presence, and the outbox of
-- live events published after commit.

ALTER TABLE "Conversations" ADD COLUMN "Status" TEXT NOT NULL DEFAULT 'Open';
ALTER TABLE "Conversations" ADD COLUMN "Responder" TEXT NOT NULL DEFAULT 'Bot';
ALTER TABLE "Conversations" ADD COLUMN "AssigneeId" TEXT NULL CONSTRAINT "FK_Conversations_Users_AssigneeId" REFERENCES "Users" ("Id") ON DELETE SET NULL;
ALTER TABLE "Conversations" ADD COLUMN "WaitingSince" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "FirstReplyAt" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "ResolvedAt" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "SnoozedUntil" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "Important" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Conversations" ADD COLUMN "Tags" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Conversations" ADD COLUMN "LastIncomingAt" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "AgentLastSeenAt" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "Rating" INTEGER NULL;
ALTER TABLE "Conversations" ADD COLUMN "RatingComment" TEXT NULL;
ALTER TABLE "Conversations" ADD COLUMN "RatedAt" INTEGER NULL;

-- Existing rows: resolved or archived → resolved; handed to a person → waiting for one since they asked.
UPDATE "Conversations" SET
    "Status" = CASE WHEN "Resolved" <> 0 OR "Archived" <> 0 THEN 'Resolved' WHEN "Mode" = 'Human' THEN 'Pending' ELSE 'Open' END,
    "Responder" = CASE WHEN "Mode" = 'Human' THEN 'Human' ELSE 'Bot' END,
    "WaitingSince" = CASE WHEN "Mode" = 'Human' AND "Resolved" = 0 AND "Archived" = 0 THEN COALESCE("EscalatedAt", "LastMessageAt") END,
    "ResolvedAt" = CASE WHEN "Resolved" <> 0 OR "Archived" <> 0 THEN "LastMessageAt" END,
    "LastIncomingAt" = (SELECT MAX(m."CreatedAt") FROM "Messages" m WHERE m."ConversationId" = "Conversations"."Id" AND m."Role" = 'User');
ALTER TABLE "Conversations" DROP COLUMN "Mode";
ALTER TABLE "Conversations" DROP COLUMN "Escalated";
ALTER TABLE "Conversations" DROP COLUMN "Resolved";
ALTER TABLE "Conversations" DROP COLUMN "Archived";
CREATE INDEX "IX_Conversations_AssigneeId" ON "Conversations" ("AssigneeId");
CREATE INDEX "IX_Conversations_TenantId_Status_LastMessageAt" ON "Conversations" ("TenantId", "Status", "LastMessageAt");

ALTER TABLE "Messages" ADD COLUMN "Internal" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Messages" ADD COLUMN "AgentId" TEXT NULL;
ALTER TABLE "Messages" ADD COLUMN "AgentName" TEXT NULL;
UPDATE "Messages" SET "Role" = 'Activity' WHERE "Role" = 'System';

ALTER TABLE "Visitors" ADD COLUMN "Language" TEXT NULL;

ALTER TABLE "HumanSupportSettings" ADD COLUMN "NotifyAfterMinutes" INTEGER NOT NULL DEFAULT 5;

CREATE TABLE "SavedReplies" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SavedReplies" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Shortcut" TEXT NOT NULL,
    "Content" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_SavedReplies_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "IX_SavedReplies_TenantId_Shortcut" ON "SavedReplies" ("TenantId", "Shortcut");

CREATE TABLE "InboxPresence" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_InboxPresence" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "LastSeenAt" INTEGER NOT NULL,
    CONSTRAINT "FK_InboxPresence_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_InboxPresence_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "IX_InboxPresence_TenantId_UserId" ON "InboxPresence" ("TenantId", "UserId");
CREATE INDEX "IX_InboxPresence_UserId" ON "InboxPresence" ("UserId");

CREATE TABLE "LiveOutbox" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_LiveOutbox" PRIMARY KEY AUTOINCREMENT,
    "EventId" TEXT NOT NULL,
    "TenantId" TEXT NOT NULL,
    "EventType" TEXT NOT NULL,
    "Content" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "TimesSent" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ClaimToken" TEXT NULL,
    "LockedUntil" INTEGER NULL
);
CREATE INDEX "IX_LiveOutbox_ClaimToken" ON "LiveOutbox" ("ClaimToken");
CREATE INDEX "IX_LiveOutbox_State_Id" ON "LiveOutbox" ("State", "Id");
