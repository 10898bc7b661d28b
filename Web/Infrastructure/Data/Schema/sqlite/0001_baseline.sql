CREATE TABLE "DataProtectionKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DataProtectionKeys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NOT NULL
);


CREATE TABLE "Plans" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Plans" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "MonthlyPrice" TEXT NOT NULL,
    "Cycle" TEXT NOT NULL,
    "TrialDays" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "SortOrder" INTEGER NOT NULL,
    "Limits_AllowedModels" TEXT NOT NULL,
    "Limits_ApiAccess" INTEGER NOT NULL,
    "Limits_AutoSync" TEXT NOT NULL,
    "Limits_Bots" INTEGER NOT NULL,
    "Limits_FileSizeMb" INTEGER NOT NULL,
    "Limits_HistoryRetentionDays" INTEGER NOT NULL,
    "Limits_Integrations" INTEGER NOT NULL,
    "Limits_MessagesPerMonth" INTEGER NOT NULL,
    "Limits_RemoveBranding" INTEGER NOT NULL,
    "Limits_Seats" INTEGER NOT NULL,
    "Limits_Sources" INTEGER NOT NULL,
    "Limits_VisitorMessagesPerMinute" INTEGER NOT NULL,
    "Limits_Webhooks" INTEGER NOT NULL
);


CREATE TABLE "Tenants" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Tenants" PRIMARY KEY,
    "Slug" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "StripeCustomerId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL
);


CREATE TABLE "UsedTickets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_UsedTickets" PRIMARY KEY,
    "ExpiresAt" INTEGER NOT NULL
);


CREATE TABLE "Users" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Users" PRIMARY KEY,
    "FullName" TEXT NOT NULL,
    "AvatarUrl" TEXT NULL,
    "FacebookUrl" TEXT NULL,
    "InstagramUrl" TEXT NULL,
    "LinkedInUrl" TEXT NULL,
    "TwitterUrl" TEXT NULL,
    "YouTubeUrl" TEXT NULL,
    "Status" TEXT NOT NULL,
    "IsPlatformAdmin" INTEGER NOT NULL,
    "AdminNotes" TEXT NULL,
    "LastLoginAt" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" INTEGER NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);


CREATE TABLE "SlugRedirects" (
    "OldSlug" TEXT NOT NULL CONSTRAINT "PK_SlugRedirects" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_SlugRedirects_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Subscriptions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Subscriptions" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "PlanId" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "CurrentPeriodStart" INTEGER NOT NULL,
    "CurrentPeriodEnd" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "Limits_AllowedModels" TEXT NOT NULL,
    "Limits_ApiAccess" INTEGER NOT NULL,
    "Limits_AutoSync" TEXT NOT NULL,
    "Limits_Bots" INTEGER NOT NULL,
    "Limits_FileSizeMb" INTEGER NOT NULL,
    "Limits_HistoryRetentionDays" INTEGER NOT NULL,
    "Limits_Integrations" INTEGER NOT NULL,
    "Limits_MessagesPerMonth" INTEGER NOT NULL,
    "Limits_RemoveBranding" INTEGER NOT NULL,
    "Limits_Seats" INTEGER NOT NULL,
    "Limits_Sources" INTEGER NOT NULL,
    "Limits_VisitorMessagesPerMinute" INTEGER NOT NULL,
    "Limits_Webhooks" INTEGER NOT NULL,
    CONSTRAINT "FK_Subscriptions_Plans_PlanId" FOREIGN KEY ("PlanId") REFERENCES "Plans" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Subscriptions_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);


CREATE TABLE "LoginHistory" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_LoginHistory" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "At" INTEGER NOT NULL,
    "IpAddress" TEXT NULL,
    "UserAgent" TEXT NULL,
    "Succeeded" INTEGER NOT NULL,
    "FailureReason" TEXT NULL,
    CONSTRAINT "FK_LoginHistory_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Memberships" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Memberships" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "JoinedAt" INTEGER NOT NULL,
    "LeftAt" INTEGER NULL,
    CONSTRAINT "FK_Memberships_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_Memberships_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE TABLE "UserClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_UserClaims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_UserClaims_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE TABLE "UserLogins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_UserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_UserLogins_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE TABLE "UserTokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_UserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_UserTokens_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE INDEX "IX_LoginHistory_UserId_At" ON "LoginHistory" ("UserId", "At");


CREATE UNIQUE INDEX "IX_Memberships_TenantId_UserId" ON "Memberships" ("TenantId", "UserId");


CREATE INDEX "IX_Memberships_UserId" ON "Memberships" ("UserId");


CREATE UNIQUE INDEX "IX_Plans_Code" ON "Plans" ("Code");


CREATE INDEX "IX_SlugRedirects_TenantId" ON "SlugRedirects" ("TenantId");


CREATE INDEX "IX_Subscriptions_PlanId" ON "Subscriptions" ("PlanId");


CREATE INDEX "IX_Subscriptions_TenantId" ON "Subscriptions" ("TenantId");


CREATE UNIQUE INDEX "IX_Tenants_Slug" ON "Tenants" ("Slug");


CREATE INDEX "IX_UsedTickets_ExpiresAt" ON "UsedTickets" ("ExpiresAt");


CREATE INDEX "IX_UserClaims_UserId" ON "UserClaims" ("UserId");


CREATE INDEX "IX_UserLogins_UserId" ON "UserLogins" ("UserId");


CREATE INDEX "EmailIndex" ON "Users" ("NormalizedEmail");


CREATE UNIQUE INDEX "UserNameIndex" ON "Users" ("NormalizedUserName");


