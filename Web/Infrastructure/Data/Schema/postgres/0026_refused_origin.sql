-- The last page origin a bot's launcher refused to appear on, for the Embed page to explain (issue 18).
ALTER TABLE "Chatbots" ADD COLUMN "LastRefusedOrigin" character varying(300) NULL;
ALTER TABLE "Chatbots" ADD COLUMN "LastRefusedAt" timestamp with time zone NULL;
