using Microsoft.Extensions.AI;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Crawling;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Search;

namespace Parley.Features.Knowledge.Sources;

public sealed partial class IngestionJob
{
    /// <summary>Passages stored batch by batch, each batch one fenced unit of work.</summary>
    private sealed partial class Run
    {
        /// <summary>
        /// Stores one unit's passages (a document, or one web page), committing batch by batch. A passage already stored
        /// at the same index with the same text and page is kept; the rest are embedded (reusing the vector of identical
        /// text) and replace what was at their index; passages past the new end are dropped.
        /// </summary>
        private async Task<(int Chunks, int Tokens)> StoreAsync(string? url, IReadOnlyList<ChunkDraft> drafts, CancellationToken ct)
        {
            var embedder = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            var hashes = drafts.Select(d => Hash(Embeddable(d))).ToList();
            var existing = await db.Chunks.AsNoTracking().Where(c => c.SourceId == source.Id && c.Url == url)
                .Select(c => new { c.Id, c.Index, c.ContentHash, c.Page, c.Embedding }).ToListAsync(ct);
            var atIndex = existing.GroupBy(e => e.Index).ToDictionary(g => g.Key, g => g.First());
            var extra = existing.GroupBy(e => e.Index).SelectMany(g => g.Skip(1)).Select(e => e.Id).ToList();
            var vectors = existing.GroupBy(e => e.ContentHash).ToDictionary(g => g.Key, g => g.First().Embedding);
            var todo = Enumerable.Range(0, drafts.Count)
                .Where(i => !(atIndex.TryGetValue(i, out var e) && e.ContentHash == hashes[i] && e.Page == drafts[i].Page)).ToList();
            foreach (var batch in todo.Chunk(Math.Max(1, options.BatchSize)))
            {
                var need = batch.Where(i => !vectors.ContainsKey(hashes[i])).Distinct().ToList();
                if (need.Count > 0)
                {
                    var generated = await embedder.GenerateAsync(need.Select(i => Embeddable(drafts[i])), cancellationToken: ct);
                    embeddingTokens += generated.Usage?.InputTokenCount ?? 0;
                    for (var j = 0; j < need.Count; j++) vectors[hashes[need[j]]] = LocalSearchIndex.ToBytes(generated[j].Vector.Span);
                }
                var indexes = batch.ToList();
                var now = Now;
                foreach (var i in batch)
                    db.Chunks.Add(new Chunk
                    {
                        ChatbotId = source.ChatbotId, SourceId = source.Id, Index = i, Text = drafts[i].Text, Tokens = drafts[i].Tokens,
                        Page = drafts[i].Page, Headings = string.Join(" › ", drafts[i].Headings), Url = url,
                        ContentHash = hashes[i], Embedding = vectors[hashes[i]], CreatedAt = now,
                    });
                // What was at these indexes goes in the same transaction (a retry deletes what a lost commit stored).
                await lease.SaveAsync(token => db.Chunks.Where(c => c.SourceId == source.Id && c.Url == url && indexes.Contains(c.Index)).ExecuteDeleteAsync(token), ct);
                db.ChangeTracker.Entries<Chunk>().ToList().ForEach(e => e.State = EntityState.Detached);
            }
            var count = drafts.Count;
            await lease.SaveAsync(async token =>
            {
                if (await db.Chunks.Where(c => c.SourceId == source.Id && c.Url == url && (c.Index >= count || extra.Contains(c.Id))).ExecuteDeleteAsync(token) > 0)
                    await db.TouchKnowledgeAsync(source.ChatbotId, token);
            }, ct);
            return (drafts.Count, drafts.Sum(d => d.Tokens));
        }
    }
}
