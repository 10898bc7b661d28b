-- Outgoing webhooks and Slack: endpoints, the event outbox and deliveries with their attempts (issue 19).
CREATE TABLE "WebhookEndpoints" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_WebhookEndpoints" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "Secret" TEXT NOT NULL,
    "Events" TEXT NOT NULL,
    "Format" TEXT NOT NULL,
    "ChatbotId" TEXT NULL,
    "Enabled" INTEGER NOT NULL,
    "ConsecutiveFailures" INTEGER NOT NULL,
    "DisabledAt" INTEGER NULL,
    "DisabledReason" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_WebhookEndpoints_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);
CREATE TABLE "WebhookDeliveries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_WebhookDeliveries" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "EndpointId" TEXT NOT NULL,
    "EventId" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "LastStatusCode" INTEGER NULL,
    "LastError" TEXT NULL,
    "LastAttemptAt" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "DeliveredAt" INTEGER NULL,
    CONSTRAINT "FK_WebhookDeliveries_WebhookEndpoints_EndpointId" FOREIGN KEY ("EndpointId") REFERENCES "WebhookEndpoints" ("Id") ON DELETE CASCADE
);
CREATE TABLE "WebhookEvents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_WebhookEvents" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "EventId" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "ChatbotId" TEXT NULL,
    "Data" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);
CREATE INDEX "IX_WebhookDeliveries_EndpointId" ON "WebhookDeliveries" ("EndpointId");
CREATE INDEX "IX_WebhookDeliveries_Status_NextAttemptAt" ON "WebhookDeliveries" ("Status", "NextAttemptAt");
CREATE INDEX "IX_WebhookDeliveries_TenantId_CreatedAt" ON "WebhookDeliveries" ("TenantId", "CreatedAt");
CREATE INDEX "IX_WebhookEndpoints_ChatbotId" ON "WebhookEndpoints" ("ChatbotId");
CREATE INDEX "IX_WebhookEndpoints_TenantId" ON "WebhookEndpoints" ("TenantId");
CREATE INDEX "IX_WebhookEvents_TenantId" ON "WebhookEvents" ("TenantId");
