-- Server-side sessions (sign-out revokes them), a per-address mail throttle shared by every instance, and random public
-- ids for messages so URLs never carry the sequential ones.

CREATE TABLE "UserSessions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_UserSessions" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastSeenAt" INTEGER NOT NULL,
    "RevokedAt" INTEGER NULL,
    "IpAddress" TEXT NULL,
    "UserAgent" TEXT NULL,
    CONSTRAINT "FK_UserSessions_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_UserSessions_UserId" ON "UserSessions" ("UserId");

CREATE TABLE "MailThrottles" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_MailThrottles" PRIMARY KEY,
    "LastSentAt" INTEGER NOT NULL
);

ALTER TABLE "Messages" ADD COLUMN "PublicId" TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
UPDATE "Messages" SET "PublicId" = upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
    || substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX "IX_Messages_PublicId" ON "Messages" ("PublicId");
