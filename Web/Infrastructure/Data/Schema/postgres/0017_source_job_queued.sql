-- One ingestion job per source: when a job for the source was queued (or is due), so the sweep queues no duplicate.

ALTER TABLE "Sources" ADD COLUMN "JobQueuedAt" timestamp with time zone;
