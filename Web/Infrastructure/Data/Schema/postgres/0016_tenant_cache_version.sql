-- The workspace's cache version: moved after every change to the workspace, its memberships or its subscription, so
-- every instance's cached memberships and plan limits (keyed by it) follow a change made on any instance.

ALTER TABLE "Tenants" ADD COLUMN "CacheVersion" bigint NOT NULL DEFAULT 0;
