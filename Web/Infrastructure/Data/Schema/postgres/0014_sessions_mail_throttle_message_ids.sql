-- Server-side sessions (sign-out revokes them), a per-address mail throttle shared by every instance, and random public
-- ids for messages so URLs never carry the sequential ones.

CREATE TABLE "UserSessions" (
    "Id" uuid NOT NULL,
    "UserId" uuid NOT NULL,
    "TenantId" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    "LastSeenAt" timestamp with time zone NOT NULL,
    "RevokedAt" timestamp with time zone,
    "IpAddress" character varying(64),
    "UserAgent" character varying(500),
    CONSTRAINT "PK_UserSessions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_UserSessions_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_UserSessions_UserId" ON "UserSessions" ("UserId");

CREATE TABLE "MailThrottles" (
    "Key" character varying(300) NOT NULL,
    "LastSentAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_MailThrottles" PRIMARY KEY ("Key")
);

ALTER TABLE "Messages" ADD COLUMN "PublicId" uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
UPDATE "Messages" SET "PublicId" = gen_random_uuid();
CREATE UNIQUE INDEX "IX_Messages_PublicId" ON "Messages" ("PublicId");
