-- A conversation starter or follow-up prompt for one language only (null: every language) (issue 18).
ALTER TABLE "ConversationStarters" ADD COLUMN "Locale" TEXT NULL;
