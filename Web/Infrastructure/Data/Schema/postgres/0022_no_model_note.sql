-- Answers of the extractive answerer no longer carry "answered without an AI model" in their text: the playground
-- always shows it beside them, visitors only when the bot's Behavior says so.
ALTER TABLE "BotBehaviors" ADD COLUMN "ShowNoModelNote" boolean NOT NULL DEFAULT FALSE;
