-- Files, websites and the resilient pipeline: source file/crawl/lease columns, ingestion errors, crawled pages, the plan page limit.

ALTER TABLE "Plans" ADD COLUMN "Limits_Pages" INTEGER NOT NULL DEFAULT 100;
ALTER TABLE "Subscriptions" ADD COLUMN "Limits_Pages" INTEGER NOT NULL DEFAULT 100;
ALTER TABLE "Sources" ADD COLUMN "FileName" TEXT NULL;
ALTER TABLE "Sources" ADD COLUMN "FileType" TEXT NULL;
ALTER TABLE "Sources" ADD COLUMN "SizeBytes" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Sources" ADD COLUMN "Excluded" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Sources" ADD COLUMN "MaxDepth" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Sources" ADD COLUMN "MaxPages" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Sources" ADD COLUMN "IncludePaths" TEXT NULL;
ALTER TABLE "Sources" ADD COLUMN "ExcludePaths" TEXT NULL;
ALTER TABLE "Sources" ADD COLUMN "AutoSync" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Sources" ADD COLUMN "LeaseUntil" INTEGER NULL;
ALTER TABLE "Sources" ADD COLUMN "Attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Sources" ADD COLUMN "NextAttemptAt" INTEGER NULL;
ALTER TABLE "Sources" ADD COLUMN "RunStartedAt" INTEGER NULL;

CREATE TABLE "IngestionErrors" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_IngestionErrors" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "SourceId" TEXT NOT NULL,
    "Step" TEXT NOT NULL,
    "Message" TEXT NOT NULL,
    "RetryCount" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ResolvedAt" INTEGER NULL,
    CONSTRAINT "FK_IngestionErrors_Sources_SourceId" FOREIGN KEY ("SourceId") REFERENCES "Sources" ("Id") ON DELETE CASCADE
);

CREATE TABLE "SourcePages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SourcePages" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "SourceId" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Reason" TEXT NULL,
    "ContentHash" TEXT NULL,
    "Chunks" INTEGER NOT NULL,
    "Tokens" INTEGER NOT NULL,
    "FetchedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_SourcePages_Sources_SourceId" FOREIGN KEY ("SourceId") REFERENCES "Sources" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_IngestionErrors_SourceId_Id" ON "IngestionErrors" ("SourceId", "Id");
CREATE INDEX "IX_IngestionErrors_TenantId" ON "IngestionErrors" ("TenantId");
CREATE UNIQUE INDEX "IX_SourcePages_SourceId_Url" ON "SourcePages" ("SourceId", "Url");
CREATE INDEX "IX_SourcePages_TenantId" ON "SourcePages" ("TenantId");
CREATE INDEX "IX_Sources_Status_NextAttemptAt" ON "Sources" ("Status", "NextAttemptAt");

UPDATE "Plans" SET "Limits_Pages" = CASE "Code" WHEN 'silver' THEN 2000 WHEN 'gold' THEN 10000 WHEN 'premium' THEN 50000 ELSE 100 END;
UPDATE "Subscriptions" SET "Limits_Pages" = (SELECT "Limits_Pages" FROM "Plans" WHERE "Plans"."Id" = "Subscriptions"."PlanId");
