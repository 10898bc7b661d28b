using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Search;
using Parley.Infrastructure.Jobs;
using Quartz;

namespace Parley.Features.Knowledge.Sources;

/// <summary>
/// Ingests one source inside its tenant: chunk, embed, index, each step logged. The chunks of a source are replaced
/// in one transaction, so a crash leaves either the old passages or the new ones, never half, and a re-run is safe.
/// Text and Q&amp;A sources only so far; files and websites come with their extract and fetch steps.
/// </summary>
[DisallowConcurrentExecution]
public sealed class IngestionJob(IServiceScopeFactory scopes, ILogger<IngestionJob> log) : TenantJob(scopes, log)
{
    public const string SourceKey = "sourceId";

    public static async Task EnqueueAsync(ISchedulerFactory factory, Guid tenantId, Guid sourceId, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var job = JobBuilder.Create<IngestionJob>().WithIdentity($"ingest-{sourceId:N}-{Guid.NewGuid():N}", "ingestion")
            .UsingJobData(TenantKey, tenantId.ToString()).UsingJobData(SourceKey, sourceId.ToString())
            .RequestRecovery() // a node that dies mid-run gets the job re-run elsewhere or after restart
            .Build();
        await scheduler.ScheduleJob(job, TriggerBuilder.Create().StartNow().Build());
    }

    protected override async Task ExecuteForTenant(IJobExecutionContext context, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var sourceId = Guid.Parse(context.MergedJobDataMap.GetString(SourceKey)!);
        var source = await db.Set<Source>().FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        if (source is null) return; // deleted while queued
        var clock = services.GetRequiredService<TimeProvider>();
        try
        {
            await StepAsync(db, source, SourceStatus.Chunking, "Cutting the text into passages.", clock, ct);
            var document = Document(source);
            var drafts = Chunker.Chunk(document);
            if (drafts.Count == 0) throw new ExtractionException("There is no text to learn from.");

            await StepAsync(db, source, SourceStatus.Embedding, $"Embedding {drafts.Count} passage{(drafts.Count == 1 ? "" : "s")}.", clock, ct);
            var embedder = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            var vectors = await embedder.GenerateAsync(drafts.Select(d => Embeddable(d)), cancellationToken: ct);

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Chunks.Where(c => c.SourceId == source.Id).ExecuteDeleteAsync(ct);
            var now = clock.GetUtcNow();
            for (var i = 0; i < drafts.Count; i++)
                db.Chunks.Add(new Chunk
                {
                    ChatbotId = source.ChatbotId, SourceId = source.Id, Index = drafts[i].Index, Text = drafts[i].Text, Tokens = drafts[i].Tokens,
                    Page = drafts[i].Page, Headings = string.Join(" › ", drafts[i].Headings), Url = source.Url,
                    ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(drafts[i].Text))),
                    Embedding = LocalSearchIndex.ToBytes(vectors[i].Vector.Span), CreatedAt = now,
                });
            source.Status = SourceStatus.Ready;
            source.Error = null;
            source.Chunks = drafts.Count;
            source.Tokens = drafts.Sum(d => d.Tokens);
            source.Pages = Math.Max(1, document.Pages);
            source.LastSyncedAt = now;
            db.Add(new IngestionEvent { SourceId = source.Id, At = now, Step = SourceStatus.Ready, Message = $"Ready: {drafts.Count} passages, {source.Tokens:N0} tokens." });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            await UpdateBotAsync(db, source.ChatbotId, clock, ct);
        }
        catch (ExtractionException e)
        {
            db.ChangeTracker.Clear();
            await FailAsync(db, source.Id, e.Message, clock, ct);
        }
    }

    /// <summary>Text as the index sees it: a Q&amp;A pair reads as question then answer; headings lead the passage.</summary>
    private static string Embeddable(ChunkDraft d) => d.Headings.Count == 0 ? d.Text : $"{string.Join(" › ", d.Headings)}\n{d.Text}";

    private static ExtractedDocument Document(Source source) => source.Kind switch
    {
        SourceKind.QandA => new ExtractedDocument(source.Title, [new Section(null, [], $"Q: {source.Title}\nA: {source.Content}")]),
        SourceKind.Text => HtmlAndTextExtractor.Markdown(source.Content ?? ""),
        _ => throw new ExtractionException($"{source.Kind} sources can't be ingested yet."),
    };

    private static async Task StepAsync(AppDbContext db, Source source, SourceStatus step, string message, TimeProvider clock, CancellationToken ct)
    {
        source.Status = step;
        db.Add(new IngestionEvent { SourceId = source.Id, At = clock.GetUtcNow(), Step = step, Message = message });
        await db.SaveChangesAsync(ct);
    }

    private static async Task FailAsync(AppDbContext db, Guid sourceId, string reason, TimeProvider clock, CancellationToken ct)
    {
        var source = await db.Set<Source>().FirstAsync(s => s.Id == sourceId, ct);
        source.Status = SourceStatus.Failed;
        source.Error = reason;
        db.Add(new IngestionEvent { SourceId = sourceId, At = clock.GetUtcNow(), Step = SourceStatus.Failed, Message = reason, IsError = true });
        await db.SaveChangesAsync(ct);
    }

    private static async Task UpdateBotAsync(AppDbContext db, Guid chatbotId, TimeProvider clock, CancellationToken ct)
    {
        var pending = await db.Set<Source>().AnyAsync(s => s.ChatbotId == chatbotId && s.Status != SourceStatus.Ready && s.Status != SourceStatus.Failed, ct);
        await db.Chatbots.Where(b => b.Id == chatbotId).ExecuteUpdateAsync(u => u
            .SetProperty(b => b.TrainingStatus, pending ? TrainingStatus.Training : TrainingStatus.Ready)
            .SetProperty(b => b.LastTrainedAt, clock.GetUtcNow()), ct);
    }
}
