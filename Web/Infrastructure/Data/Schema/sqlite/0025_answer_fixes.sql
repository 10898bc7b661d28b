-- Questions answered badly that have since been given an answer (issue 18's unanswered questions → Q&A).
CREATE TABLE "AnswerFixes" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AnswerFixes" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "QuestionMessageId" INTEGER NOT NULL,
    "SourceId" TEXT NOT NULL,
    "ResolvedBy" TEXT NULL,
    "ResolvedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_AnswerFixes_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_AnswerFixes_ChatbotId" ON "AnswerFixes" ("ChatbotId");
CREATE UNIQUE INDEX "IX_AnswerFixes_TenantId_QuestionMessageId" ON "AnswerFixes" ("TenantId", "QuestionMessageId");
