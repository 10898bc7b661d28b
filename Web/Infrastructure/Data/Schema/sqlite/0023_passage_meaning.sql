-- Each passage as the local sentence model (MiniLM) reads it, filled in the background after training: the embedded
-- index ranks by it beside keywords and the hashing vectors once it is there.
ALTER TABLE "Chunks" ADD COLUMN "Meaning" BLOB NULL;
