-- Keyword ranking moved into each bot's in-memory index (BM25 with the bot's own statistics, stemmed, title and
-- headings weighted): FTS5's bm25() uses the statistics of the whole table, every bot of every workspace, so one
-- bot's ranking moved when another workspace added content. The FTS table and its triggers go.
DROP TRIGGER IF EXISTS "Chunks_ai";
DROP TRIGGER IF EXISTS "Chunks_ad";
DROP TRIGGER IF EXISTS "Chunks_au";
DROP TABLE IF EXISTS "ChunksFts";
