-- Indexed passages of a bot's knowledge, searchable by keyword and by vector.

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
    CONSTRAINT "FK_Chunks_Chatbots_ChatbotId" FOREIGN KEY ("ChatbotId") REFERENCES "Chatbots" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Chunks_ChatbotId_Id" ON "Chunks" ("ChatbotId", "Id");

CREATE INDEX "IX_Chunks_SourceId_Index" ON "Chunks" ("SourceId", "Index");

CREATE INDEX "IX_Chunks_TenantId" ON "Chunks" ("TenantId");

-- Keyword search: an external-content FTS5 index over "Chunks"."Text", kept in step by triggers.
CREATE VIRTUAL TABLE "ChunksFts" USING fts5("Text", content='Chunks', content_rowid='Id', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER "Chunks_ai" AFTER INSERT ON "Chunks" BEGIN
    INSERT INTO "ChunksFts"(rowid, "Text") VALUES (new."Id", new."Text");
END;

CREATE TRIGGER "Chunks_ad" AFTER DELETE ON "Chunks" BEGIN
    INSERT INTO "ChunksFts"("ChunksFts", rowid, "Text") VALUES ('delete', old."Id", old."Text");
END;

CREATE TRIGGER "Chunks_au" AFTER UPDATE OF "Text" ON "Chunks" BEGIN
    INSERT INTO "ChunksFts"("ChunksFts", rowid, "Text") VALUES ('delete', old."Id", old."Text");
    INSERT INTO "ChunksFts"(rowid, "Text") VALUES (new."Id", new."Text");
END;
