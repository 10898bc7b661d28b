-- What deletions leave outside the database (search index entries, uploaded files), saved with the deletion and removed
-- afterwards by a background job, retried until gone.

CREATE TABLE "PendingCleanups" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_PendingCleanups" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Scope" TEXT NOT NULL,
    "TargetId" TEXT NOT NULL,
    "BlobPath" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "LastError" TEXT NULL
);
CREATE INDEX "IX_PendingCleanups_NextAttemptAt" ON "PendingCleanups" ("NextAttemptAt");
