-- Billing (issue 17): add-ons and their purchases, promotions and referral bonuses, payments, Stripe events taken in,
-- and the subscription's trial, cancellation, grace period and Stripe link.
ALTER TABLE "Subscriptions" ADD COLUMN "TrialEnd" INTEGER NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "TrialReminders" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Subscriptions" ADD COLUMN "CancelAtPeriodEnd" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Subscriptions" ADD COLUMN "CancelReason" TEXT NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "EndedAt" INTEGER NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "PastDueSince" INTEGER NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "StripeSubscriptionId" TEXT NULL;
ALTER TABLE "Subscriptions" ADD COLUMN "Paid" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Tenants" ADD COLUMN "ReferralCode" TEXT NULL;
ALTER TABLE "UsagePeriods" ADD COLUMN "NearLimitNoticeSentAt" INTEGER NULL;

CREATE TABLE "AddOns" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AddOns" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "MonthlyPrice" TEXT NOT NULL,
    "Grants" INTEGER NOT NULL,
    "Stackable" INTEGER NOT NULL,
    "SortOrder" INTEGER NOT NULL,
    "Status" TEXT NOT NULL
);
CREATE TABLE "BillingEvents" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BillingEvents" PRIMARY KEY,
    "Type" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "ReceivedAt" INTEGER NOT NULL
);
CREATE TABLE "Promotions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Promotions" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "ShareText" TEXT NOT NULL,
    "BonusMessages" INTEGER NOT NULL,
    "BonusPages" INTEGER NOT NULL,
    "ValidDays" INTEGER NULL,
    "Audience" TEXT NOT NULL,
    "Active" INTEGER NOT NULL,
    "IsReferral" INTEGER NOT NULL,
    "ReferrerBonusMessages" INTEGER NOT NULL,
    "ReferrerBonusPages" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);
CREATE TABLE "AddOnPurchases" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AddOnPurchases" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "AddOnId" TEXT NOT NULL,
    "SubscriptionId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Grants" INTEGER NOT NULL,
    "PricePaid" TEXT NOT NULL,
    "PurchasedAt" INTEGER NOT NULL,
    "Active" INTEGER NOT NULL,
    "EndedAt" INTEGER NULL,
    "StripeItemId" TEXT NULL,
    CONSTRAINT "FK_AddOnPurchases_AddOns_AddOnId" FOREIGN KEY ("AddOnId") REFERENCES "AddOns" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_AddOnPurchases_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);
CREATE TABLE "Bonuses" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Bonuses" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "PromotionId" TEXT NULL,
    "Key" TEXT NOT NULL,
    "ReferralTenantId" TEXT NULL,
    "Messages" INTEGER NOT NULL,
    "Pages" INTEGER NOT NULL,
    "GrantedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NULL,
    "Note" TEXT NOT NULL,
    CONSTRAINT "FK_Bonuses_Tenants_TenantId" FOREIGN KEY ("TenantId") REFERENCES "Tenants" ("Id") ON DELETE CASCADE
);
CREATE TABLE "Payments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Payments" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Amount" TEXT NOT NULL,
    "RefundedAmount" TEXT NOT NULL,
    "Currency" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "InvoiceId" TEXT NOT NULL,
    "PaymentIntentId" TEXT NULL,
    "InvoiceUrl" TEXT NULL,
    "FailureCode" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
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
