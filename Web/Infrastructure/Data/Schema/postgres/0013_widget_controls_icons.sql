-- Widget controls (bottom navigation, refresh, expand, home page), icons, launcher colour and watermark; the CustomWatermark plan limit;
-- the bots' SettingsVersion, which the widget's settings cache follows.

ALTER TABLE "Chatbots" ADD COLUMN "SettingsVersion" bigint NOT NULL DEFAULT 0;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideBottomNav" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideRefresh" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideExpand" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "BotBehaviors" ADD COLUMN "HideHomePage" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "BotBehaviors" ADD COLUMN "OpenNewConversation" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "BotAppearances" ADD COLUMN "IconColor" character varying(7) NOT NULL DEFAULT '';
ALTER TABLE "BotAppearances" ADD COLUMN "PlainIcons" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "BotAppearances" ADD COLUMN "WatermarkText" character varying(60) NOT NULL DEFAULT '';
ALTER TABLE "BotAppearances" ADD COLUMN "WatermarkUrl" character varying(2048) NOT NULL DEFAULT '';
ALTER TABLE "BotAppearances" ADD COLUMN "BotIcon" character varying(300);
ALTER TABLE "BotAppearances" ADD COLUMN "UserIcon" character varying(300);
ALTER TABLE "BotAppearances" ADD COLUMN "AgentIcon" character varying(300);
ALTER TABLE "BotAppearances" ADD COLUMN "BubbleIcon" character varying(300);
ALTER TABLE "Plans" ADD COLUMN "Limits_CustomWatermark" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "Subscriptions" ADD COLUMN "Limits_CustomWatermark" boolean NOT NULL DEFAULT FALSE;

UPDATE "Plans" SET "Limits_CustomWatermark" = CASE WHEN "Code" IN ('silver', 'gold', 'premium') THEN TRUE ELSE FALSE END;
UPDATE "Subscriptions" SET "Limits_CustomWatermark" = (SELECT "Limits_CustomWatermark" FROM "Plans" WHERE "Plans"."Id" = "Subscriptions"."PlanId");
