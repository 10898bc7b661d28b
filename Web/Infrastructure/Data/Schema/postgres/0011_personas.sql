-- Bot settings: personas and custom instructions.

CREATE TABLE "Personas" (
    "Id" uuid NOT NULL,
    "TenantId" uuid NOT NULL,
    "ChatbotId" uuid NOT NULL,
    "Title" character varying(80) NOT NULL,
    "Instructions" character varying(4000) NOT NULL,
    "Creativity" double precision NOT NULL,
    "BuiltIn" boolean NOT NULL,
    "Active" boolean NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_Personas" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Personas_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Personas_ChatbotId_Active" ON "Personas" ("ChatbotId", "Active");
CREATE INDEX "IX_Personas_TenantId" ON "Personas" ("TenantId");
