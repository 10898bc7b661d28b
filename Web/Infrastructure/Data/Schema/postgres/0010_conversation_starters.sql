-- Bot settings: conversation starters and follow-up prompts.

CREATE TABLE "ConversationStarters" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "Placement" character varying(12) NOT NULL,
    "Position" integer NOT NULL,
    "Kind" character varying(10) NOT NULL,
    "Title" character varying(60) NOT NULL,
    "Message" character varying(500),
    "Url" character varying(2048),
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ConversationStarters" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_ConversationStarters_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_ConversationStarters_ChatbotId_Placement_Position" ON "ConversationStarters" ("ChatbotId", "Placement", "Position");
CREATE INDEX "IX_ConversationStarters_TenantId" ON "ConversationStarters" ("TenantId");
