-- What deletions leave outside the database (search index entries, uploaded files), saved with the deletion and removed
-- afterwards by a background job, retried until gone.

CREATE TABLE "PendingCleanups" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "Scope" character varying(20) NOT NULL,
    "TargetId" uuid NOT NULL,
    "BlobPath" character varying(500),
    "CreatedAt" timestamp with time zone NOT NULL,
    "Attempts" integer NOT NULL,
    "NextAttemptAt" timestamp with time zone NOT NULL,
    "LastError" character varying(1000),
    CONSTRAINT "PK_PendingCleanups" PRIMARY KEY ("Id")
);
CREATE INDEX "IX_PendingCleanups_NextAttemptAt" ON "PendingCleanups" ("NextAttemptAt");
