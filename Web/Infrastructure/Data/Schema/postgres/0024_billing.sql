-- Billing (issue 17): add-ons and their purchases, promotions and referral bonuses, payments, Stripe events taken in,
-- and the subscription's trial, cancellation, grace period and Stripe link.
ALTER TABLE "Subscriptions" ADD COLUMN "TrialEnd" timestamp with time zone NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "TrialReminders" integer NOT NULL DEFAULT 0;
ALTER TABLE "Subscriptions" ADD COLUMN "CancelAtPeriodEnd" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "Subscriptions" ADD COLUMN "CancelReason" character varying(500) NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "EndedAt" timestamp with time zone NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "PastDueSince" timestamp with time zone NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "StripeSubscriptionId" character varying(100) NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "Paid" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "Tenants" ADD COLUMN "ReferralCode" character varying(20) NULL;
ALTER TABLE "UsagePeriods" ADD COLUMN "NearLimitNoticeSentAt" timestamp with time zone NULL;

CREATE TABLE "AddOns" (
    "Id" uuid NOT NULL,
    "Code" character varying(40) NOT NULL,
    "Name" character varying(100) NOT NULL,
    "Description" character varying(500) NOT NULL,
    "Kind" character varying(20) NOT NULL,
    "MonthlyPrice" numeric(10,2) NOT NULL,
    "Grants" integer NOT NULL,
    "Stackable" boolean NOT NULL,
    "SortOrder" integer NOT NULL,
    "Status" character varying(20) NOT NULL,
    CONSTRAINT "PK_AddOns" PRIMARY KEY ("Id")
);
CREATE TABLE "BillingEvents" (
    "Id" character varying(100) NOT NULL,
    "Type" character varying(100) NOT NULL,
    "TenantId" uuid,
    "ReceivedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_BillingEvents" PRIMARY KEY ("Id")
);
CREATE TABLE "Promotions" (
    "Id" uuid NOT NULL,
    "Code" character varying(50) NOT NULL,
    "ShareText" character varying(300) NOT NULL,
    "BonusMessages" integer NOT NULL,
    "BonusPages" integer NOT NULL,
    "ValidDays" integer,
    "Audience" character varying(30) NOT NULL,
    "Active" boolean NOT NULL,
    "IsReferral" boolean NOT NULL,
    "ReferrerBonusMessages" integer NOT NULL,
    "ReferrerBonusPages" integer NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_Promotions" PRIMARY KEY ("Id")
);
CREATE TABLE "AddOnPurchases" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "AddOnId" uuid NOT NULL,
    "SubscriptionId" uuid NOT NULL,
    "Kind" character varying(20) NOT NULL,
    "Grants" integer NOT NULL,
    "PricePaid" numeric(10,2) NOT NULL,
    "PurchasedAt" timestamp with time zone NOT NULL,
    "Active" boolean NOT NULL,
    "EndedAt" timestamp with time zone,
    "StripeItemId" character varying(100),
    CONSTRAINT "PK_AddOnPurchases" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AddOnPurchases_AddOns_AddOnId" FOREIGN KEY ("AddOnId") REFERENCES "AddOns" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_AddOnPurchases_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);
CREATE TABLE "Bonuses" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "Reason" character varying(20) NOT NULL,
    "PromotionId" uuid,
    "Key" character varying(60) NOT NULL,
    "ReferralTenantId" uuid,
    "Messages" integer NOT NULL,
    "Pages" integer NOT NULL,
    "GrantedAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone,
    "Note" character varying(300) NOT NULL,
    CONSTRAINT "PK_Bonuses" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Bonuses_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);
CREATE TABLE "Payments" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "Kind" character varying(20) NOT NULL,
    "Status" character varying(20) NOT NULL,
    "Amount" numeric(10,2) NOT NULL,
    "RefundedAmount" numeric(10,2) NOT NULL,
    "Currency" character varying(3) NOT NULL,
    "Description" character varying(300) NOT NULL,
    "InvoiceId" character varying(100) NOT NULL,
    "PaymentIntentId" character varying(100),
    "InvoiceUrl" character varying(1000),
    "FailureCode" character varying(100),
    "CreatedAt" timestamp with time zone NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_Payments" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Payments_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_AddOnPurchases_AddOnId" ON "AddOnPurchases" ("AddOnId");
CREATE INDEX "IX_AddOnPurchases_TenantId_Active" ON "AddOnPurchases" ("TenantId", "Active");
CREATE UNIQUE INDEX "IX_AddOns_Code" ON "AddOns" ("Code");
CREATE INDEX "IX_BillingEvents_ReceivedAt" ON "BillingEvents" ("ReceivedAt");
CREATE UNIQUE INDEX "IX_Bonuses_TenantId_Key" ON "Bonuses" ("TenantId", "Key");
CREATE UNIQUE INDEX "IX_Payments_InvoiceId" ON "Payments" ("InvoiceId");
CREATE INDEX "IX_Payments_TenantId_CreatedAt" ON "Payments" ("TenantId", "CreatedAt");
CREATE UNIQUE INDEX "IX_Promotions_Code" ON "Promotions" ("Code");
CREATE INDEX "IX_Subscriptions_StripeSubscriptionId" ON "Subscriptions" ("StripeSubscriptionId");
CREATE UNIQUE INDEX "IX_Tenants_ReferralCode" ON "Tenants" ("ReferralCode");
CREATE INDEX "IX_Tenants_StripeCustomerId" ON "Tenants" ("StripeCustomerId");
