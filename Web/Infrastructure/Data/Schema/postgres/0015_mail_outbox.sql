-- The mail outbox: every mail is saved with the change that causes it and delivered afterwards by a background dispatcher.

CREATE TABLE "OutboxMails" (
    "Id" uuid NOT NULL,
    "TenantId" uuid,
    "To" character varying(256) NOT NULL,
    "Subject" character varying(500) NOT NULL,
    "Text" text NOT NULL,
    "Html" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "Attempts" integer NOT NULL,
    "NextAttemptAt" timestamp with time zone NOT NULL,
    "LockedUntil" timestamp with time zone,
    "SentAt" timestamp with time zone,
    "FailedAt" timestamp with time zone,
    "LastError" character varying(1000),
    CONSTRAINT "PK_OutboxMails" PRIMARY KEY ("Id")
);
CREATE INDEX "IX_OutboxMails_SentAt_NextAttemptAt" ON "OutboxMails" ("SentAt", "NextAttemptAt");
