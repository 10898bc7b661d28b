using Hangfire;
using Microsoft.Extensions.AI;
using Parley.Features.Knowledge.Embedding;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Knowledge.Search;

/// <summary>
/// Reads a bot's passages with the local sentence model after training, in the background: a source is searchable by
/// keywords and hashing vectors as soon as it is ready, and by meaning as its passages are read (about 30 a second on
/// two cores: a 500-page site takes minutes, which the Knowledge page shows). One run per bot at a time across instances
/// (a distributed lock on the bot); a run picks up only passages still unread, so a second one finds little to do, and
/// the bot's search cache reloads every 20 seconds of progress and at the end.
/// </summary>
public sealed class MeaningJob(AppDbContext db, SentenceModel model, IEmbeddingGenerator<string, Embedding<float>> embedder, Microsoft.Extensions.Options.IOptions<SearchOptions> options, ILogger<MeaningJob> log)
{
    public const int Batch = 16;
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromSeconds(20);

    /// <summary>Whether passages are read for meaning at all: only with the embedded default embedder (a real embedding model already reads by meaning), unless switched off.</summary>
    public static bool Applies(IEmbeddingGenerator<string, Embedding<float>> embedder, SearchOptions options) => embedder is HashingEmbedder && options.MeaningVectors;

    public static void Queue(IBackgroundJobClient jobs, Guid tenantId, Guid chatbotId) =>
        TenantJobs.Enqueue<MeaningJob>(jobs, tenantId, j => j.RunAsync(chatbotId, CancellationToken.None));

    /// <summary>What the model is given for a passage: its heading path, then its text.</summary>
    public static string Input(string headings, string text) => headings.Length > 0 ? $"{headings}\n{text}" : text;

    [DisableConcurrentExecution("meaning:{0}", 60), AutomaticRetry(Attempts = 10), JobDisplayName("Read passages for meaning")]
    public async Task RunAsync(Guid chatbotId, CancellationToken ct)
    {
        if (!Applies(embedder, options.Value)) return;
        long after = 0;
        var read = 0;
        var sinceReload = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var rows = await db.Chunks.AsNoTracking().Where(c => c.ChatbotId == chatbotId && c.Id > after && c.Meaning == null)
                .OrderBy(c => c.Id).Take(Batch).Select(c => new { c.Id, c.Headings, c.Text }).ToListAsync(ct);
            if (rows.Count == 0) break;
            var vectors = model.Embed(rows.Select(r => Input(r.Headings, r.Text)).ToList(), ct);
            // One transaction per batch, inside the execution strategy (PostgreSQL repeats the whole batch after a transient failure).
            await db.SaveAtomicallyAsync(async token =>
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    var (id, bytes) = (rows[i].Id, LocalSearchIndex.ToBytes(vectors[i]));
                    await db.Chunks.Where(c => c.Id == id && c.Meaning == null).ExecuteUpdateAsync(u => u.SetProperty(c => c.Meaning, bytes), token);
                }
            }, ct);
            after = rows[^1].Id;
            read += rows.Count;
            if (sinceReload.Elapsed >= ReloadEvery)
            {
                await db.TouchKnowledgeAsync(chatbotId, ct);
                sinceReload.Restart();
            }
        }
        if (read > 0)
        {
            await db.TouchKnowledgeAsync(chatbotId, ct);
            log.LogInformation("Read {Count} passages of bot {BotId} for meaning", read, chatbotId);
        }
    }
}
