-- A bot's knowledge: its sources, their ingestion log, and the indexed passages cut from them.

CREATE TABLE "Sources" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Sources" PRIMARY KEY,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Content" TEXT NULL,
    "Url" TEXT NULL,
    "BlobPath" TEXT NULL,
    "Status" TEXT NOT NULL,
    "Error" TEXT NULL,
    "Pages" INTEGER NOT NULL,
    "Chunks" INTEGER NOT NULL,
    "Tokens" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastSyncedAt" INTEGER NULL,
    CONSTRAINT "FK_Sources_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Chunks" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Chunks" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "ChatbotId" TEXT NOT NULL,
    "SourceId" TEXT NOT NULL,
    "Index" INTEGER NOT NULL,
    "Text" TEXT NOT NULL,
    "Tokens" INTEGER NOT NULL,
    "Page" INTEGER NULL,
    "Headings" TEXT NOT NULL,
    "Url" TEXT NULL,
    "ContentHash" TEXT NOT NULL,
    "Embedding" BLOB NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Chunks_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_Chunks_Sources_SourceId" FOREIGN KEY ("SourceId") REFERENCES "Sources" ("Id") ON DELETE CASCADE
);

CREATE TABLE "IngestionEvents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_IngestionEvents" PRIMARY KEY AUTOINCREMENT,
    "TenantId" TEXT NOT NULL,
    "SourceId" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    "Step" TEXT NOT NULL,
    "Message" TEXT NOT NULL,
    "IsError" INTEGER NOT NULL,
    CONSTRAINT "FK_IngestionEvents_Sources_SourceId" FOREIGN KEY ("SourceId") REFERENCES "Sources" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Chunks_ChatbotId_Id" ON "Chunks" ("ChatbotId", "Id");

CREATE INDEX "IX_Chunks_SourceId_Index" ON "Chunks" ("SourceId", "Index");

CREATE INDEX "IX_Chunks_TenantId" ON "Chunks" ("TenantId");

CREATE INDEX "IX_IngestionEvents_SourceId_Id" ON "IngestionEvents" ("SourceId", "Id");

CREATE INDEX "IX_IngestionEvents_TenantId" ON "IngestionEvents" ("TenantId");

CREATE INDEX "IX_Sources_ChatbotId_CreatedAt" ON "Sources" ("ChatbotId", "CreatedAt");

CREATE INDEX "IX_Sources_TenantId" ON "Sources" ("TenantId");

-- Keyword search: a contentless FTS5 index of "Chunks"."Text" plus the bot as a token, so one MATCH both filters
-- by bot and ranks by BM25 without touching "Chunks"; triggers keep it in step.
CREATE VIRTUAL TABLE "ChunksFts" USING fts5("Text", "Bot", content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER "Chunks_ai" AFTER INSERT ON "Chunks" BEGIN
    INSERT INTO "ChunksFts"(rowid, "Text", "Bot") VALUES (new."Id", new."Text", 'b' || replace(lower(new."ChatbotId"), '-', ''));
END;

CREATE TRIGGER "Chunks_ad" AFTER DELETE ON "Chunks" BEGIN
    DELETE FROM "ChunksFts" WHERE rowid = old."Id";
END;

CREATE TRIGGER "Chunks_au" AFTER UPDATE OF "Text", "ChatbotId" ON "Chunks" BEGIN
    DELETE FROM "ChunksFts" WHERE rowid = old."Id";
    INSERT INTO "ChunksFts"(rowid, "Text", "Bot") VALUES (new."Id", new."Text", 'b' || replace(lower(new."ChatbotId"), '-', ''));
END;
