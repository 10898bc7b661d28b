-- Bot settings: conversation starters and follow-up prompts.

CREATE TABLE "ConversationStarters" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ConversationStarters" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Placement" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Message" TEXT NULL,
    "Url" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_ConversationStarters_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_ConversationStarters_ChatbotId_Placement_Position" ON "ConversationStarters" ("ChatbotId", "Placement", "Position");
CREATE INDEX "IX_ConversationStarters_TenantId" ON "ConversationStarters" ("TenantId");
