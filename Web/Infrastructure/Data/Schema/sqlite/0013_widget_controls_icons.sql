-- Widget controls (bottom navigation, refresh, expand, home page), icons, launcher colour and watermark; the CustomWatermark plan limit;
-- the bots' SettingsVersion, which the widget's settings cache follows.

ALTER TABLE "Chatbots" ADD COLUMN "SettingsVersion" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideBottomNav" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideRefresh" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideExpand" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideHomePage" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BotBehaviors" ADD COLUMN "OpenNewConversation" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BotAppearances" ADD COLUMN "IconColor" TEXT NOT NULL DEFAULT '';
ALTER TABLE "BotAppearances" ADD COLUMN "PlainIcons" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BotAppearances" ADD COLUMN "WatermarkText" TEXT NOT NULL DEFAULT '';
ALTER TABLE "BotAppearances" ADD COLUMN "WatermarkUrl" TEXT NOT NULL DEFAULT '';
ALTER TABLE "BotAppearances" ADD COLUMN "BotIcon" TEXT NULL;
ALTER TABLE "BotAppearances" ADD COLUMN "UserIcon" TEXT NULL;
ALTER TABLE "BotAppearances" ADD COLUMN "AgentIcon" TEXT NULL;
ALTER TABLE "BotAppearances" ADD COLUMN "BubbleIcon" TEXT NULL;
ALTER TABLE "Plans" ADD COLUMN "Limits_CustomWatermark" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Subscriptions" ADD COLUMN "Limits_CustomWatermark" INTEGER NOT NULL DEFAULT 0;

UPDATE "Plans" SET "Limits_CustomWatermark" = CASE WHEN "Code" IN ('silver', 'gold', 'premium') THEN 1 ELSE 0 END;
UPDATE "Subscriptions" SET "Limits_CustomWatermark" = (SELECT "Limits_CustomWatermark" FROM "Plans" WHERE "Plans"."Id" = "Subscriptions"."PlanId");
