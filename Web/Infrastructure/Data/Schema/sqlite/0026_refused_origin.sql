-- The last page origin a bot's launcher refused to appear on, for the Embed page to explain (issue 18).
ALTER TABLE "Chatbots" ADD COLUMN "LastRefusedOrigin" TEXT NULL;
ALTER TABLE "Chatbots" ADD COLUMN "LastRefusedAt" INTEGER NULL;
