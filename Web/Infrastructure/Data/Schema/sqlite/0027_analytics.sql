-- Analytics: each bot's widget activity per UTC day, rolled up by a job, and how far each workspace is rolled up (issue 18).
CREATE TABLE "AnalyticsStates" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AnalyticsStates" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "RolledUpThrough" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
);
CREATE TABLE "BotDays" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_BotDays" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Day" TEXT NOT NULL,
    "Conversations" INTEGER NOT NULL,
    "VisitorMessages" INTEGER NOT NULL,
    "Answers" INTEGER NOT NULL,
    "Unanswered" INTEGER NOT NULL,
    "AgentReplies" INTEGER NOT NULL,
    "ThumbsUp" INTEGER NOT NULL,
    "ThumbsDown" INTEGER NOT NULL,
    "Ratings" INTEGER NOT NULL,
    "RatingSum" INTEGER NOT NULL,
    "Leads" INTEGER NOT NULL,
    "Escalations" INTEGER NOT NULL,
    "FirstResponses" INTEGER NOT NULL,
    "FirstResponseSeconds" INTEGER NOT NULL,
    "Resolved" INTEGER NOT NULL,
    "ResolutionSeconds" INTEGER NOT NULL,
    "Hours" TEXT NOT NULL,
    "ComputedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_BotDays_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "IX_AnalyticsStates_TenantId" ON "AnalyticsStates" ("TenantId");
CREATE UNIQUE INDEX "IX_BotDays_ChatbotId_Day" ON "BotDays" ("ChatbotId", "Day");
CREATE INDEX "IX_BotDays_TenantId_Day" ON "BotDays" ("TenantId", "Day");
