-- Bot settings: personas and custom instructions.

CREATE TABLE "Personas" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Personas" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Instructions" TEXT NOT NULL,
    "Creativity" REAL NOT NULL,
    "BuiltIn" INTEGER NOT NULL,
    "Active" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Personas_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Personas_ChatbotId_Active" ON "Personas" ("ChatbotId", "Active");
CREATE INDEX "IX_Personas_TenantId" ON "Personas" ("TenantId");
