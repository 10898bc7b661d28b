-- The mail outbox: every mail is saved with the change that causes it and delivered afterwards by a background dispatcher.

CREATE TABLE "OutboxMails" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_OutboxMails" PRIMARY KEY,
    "TenantId" TEXT NULL,
    "To" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "Html" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "LockedUntil" INTEGER NULL,
    "SentAt" INTEGER NULL,
    "FailedAt" INTEGER NULL,
    "LastError" TEXT NULL
);
CREATE INDEX "IX_OutboxMails_SentAt_NextAttemptAt" ON "OutboxMails" ("SentAt", "NextAttemptAt");
