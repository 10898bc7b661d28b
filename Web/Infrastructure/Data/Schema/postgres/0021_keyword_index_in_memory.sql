-- Keyword ranking moved into each bot's in-memory index (BM25 with the bot's own statistics, stemmed, title and
-- headings weighted); ts_rank_cd has no inverse document frequency at all. The generated tsvector and its index go.
DROP INDEX IF EXISTS "IX_Chunks_SearchVector";
ALTER TABLE "Chunks" DROP COLUMN IF EXISTS "SearchVector";
