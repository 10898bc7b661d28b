using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Crawling;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Search;
using Parley.Features.Plans;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Storage;
using Hangfire;

namespace Parley.Features.Knowledge.Sources;

public class IngestionOptions
{
    public const string Section = "Parley:Ingestion";
    /// <summary>Passages embedded and committed together; a run that stops resumes after the last committed batch.</summary>
    public int BatchSize { get; set; } = 64;
    /// <summary>How long a run holds a source without renewing; a run that dies lets it lapse and the sweep picks the source up.</summary>
    public int LeaseSeconds { get; set; } = 120;
    public int MaxAttempts { get; set; } = 4;
    /// <summary>Waits before the 2nd, 3rd, 4th… attempt.</summary>
    public int[] BackoffSeconds { get; set; } = [30, 120, 600];
    /// <summary>How often the sweep looks for stalled sources and website re-syncs that are due.</summary>
    public int SweepSeconds { get; set; } = 30;
}

/// <summary>
/// Ingests one source inside its tenant: fetch or extract, chunk, embed, index, each step logged as an
/// IngestionEvent. Work is committed in batches keyed by (source, page URL, passage index) and checked
/// against content hashes, so a run that is stopped resumes where it left off, a re-sync touches only what
/// changed, and no passage is ever stored twice. One run holds a source at a time through a fenced lease.
/// Bad input fails the source with a readable reason; anything else is retried with backoff and recorded as an
/// IngestionError.
/// </summary>
public sealed partial class IngestionJob(IServiceProvider services, IBackgroundJobClient jobs)
{
    /// <summary>A queued job that never started (its store was lost) is queued again by the sweep after this long.</summary>
    public static readonly TimeSpan RequeueAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Queues a run of the source now, or at a time (a retry after backoff), unless a job for it is already queued: one
    /// job per source, however often the sweep or the owner asks. Runs survive restarts in Hangfire's store.
    /// </summary>
    public static async Task QueueAsync(AppDbContext db, IBackgroundJobClient jobs, TimeProvider clock, Guid tenantId, Guid sourceId, DateTimeOffset? at, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = now - RequeueAfter;
        if (await db.Sources.Where(s => s.Id == sourceId && (s.JobQueuedAt == null || s.JobQueuedAt < stale))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.JobQueuedAt, at ?? now), ct) == 0)
            return;
        TenantJobs.Enqueue<IngestionJob>(jobs, tenantId, j => j.RunAsync(sourceId, CancellationToken.None), at);
    }

    /// <summary>
    /// Runs inside the source's workspace (the job's tenant travels as a job parameter; infrastructure enters it). Hangfire
    /// passes its own token: stopping the host cancels it, the run lets its lease go, and the job runs again at the next start.
    /// </summary>
    [JobDisplayName("Ingest source {0}")]
    public Task RunAsync(Guid sourceId, CancellationToken ct) => new Run(services, jobs, sourceId).ExecuteAsync(ct);

    private sealed partial class Run(IServiceProvider services, IBackgroundJobClient jobs, Guid sourceId)
    {
        private readonly AppDbContext db = services.GetRequiredService<AppDbContext>();
        private readonly TimeProvider clock = services.GetRequiredService<TimeProvider>();
        private readonly IngestionOptions options = services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        private readonly ILogger log = services.GetRequiredService<ILogger<IngestionJob>>();
        private Source source = null!;
        private SourceLease lease = null!;
        private long embeddingTokens;

        private DateTimeOffset Now => clock.GetUtcNow();

        public async Task ExecuteAsync(CancellationToken ct)
        {
            if (await SourceLease.TryClaimAsync(services, sourceId, TimeSpan.FromSeconds(options.LeaseSeconds), ct) is not { } claimed) return;
            await using var _ = lease = claimed;
            source = await db.Sources.FirstAsync(s => s.Id == sourceId, ct);
            var step = source.Status;
            try
            {
                var fresh = source.Status == SourceStatus.Queued;
                if (fresh) source.RunStartedAt = Now;
                var (pages, note) = source.IsCrawl ? await CrawlAsync(fresh, s => step = s, ct) : await DocumentAsync(s => step = s, ct);
                await SyncIndexAsync(ct);
                await FinishAsync(pages, note, ct);
            }
            catch (LeaseLostException)
            {
                log.LogInformation("Source {SourceId}: another run took over", sourceId);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopped (the host is shutting down; the database may report it as its own error): hand the source back
                // at once so the next start resumes it.
                await lease.ReleaseAsync();
                throw new OperationCanceledException(ct);
            }
            catch (ExtractionException e)
            {
                await FailAsync(step, e.Message, retry: false, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Ingestion of source {SourceId} failed at {Step}", sourceId, step);
                await FailAsync(step, Describe(e), retry: true, ct);
            }
        }

        private async Task StepAsync(SourceStatus step, string message, Action<SourceStatus> at, CancellationToken ct)
        {
            at(step);
            source.Status = step;
            db.Add(new IngestionEvent { SourceId = source.Id, At = Now, Step = step, Message = message });
            await lease.SaveAsync(null, ct);
        }

        /// <summary>Pages the rest of the workspace already uses against the plan's page limit (a first look; <see cref="ReservePagesAsync"/> decides).</summary>
        private async Task<(int Limit, int Left)> PageBudgetAsync(CancellationToken ct)
        {
            var limit = (await services.GetRequiredService<PlanLimitsReader>().LimitsAsync(ct)).Pages;
            var used = await db.Sources.Where(s => s.Id != source.Id && !s.Excluded).SumAsync(s => s.Pages, ct);
            return (limit, Math.Max(0, limit - used));
        }

        /// <summary>
        /// Takes <paramref name="pages"/> of the plan's page limit for this source, recorded on it in the same transaction
        /// under the workspace's lock: concurrent runs (and uploads) cannot together go past the limit. False, with what
        /// is left, when there is no room; the source keeps what it held.
        /// </summary>
        private async Task<(bool Fits, int Limit, int Left)> ReservePagesAsync(int pages, CancellationToken ct)
        {
            var limit = (await services.GetRequiredService<PlanLimitsReader>().LimitsAsync(ct)).Pages;
            var (held, left) = (source.Pages, 0);
            source.Pages = pages;
            await lease.SaveAsync(async token =>
            {
                var used = await db.Sources.Where(s => s.Id != source.Id && !s.Excluded).SumAsync(s => s.Pages, token);
                left = Math.Max(0, limit - used);
                if (pages > left) source.Pages = held; // saved unchanged
            }, ct, lockWorkspace: true);
            return (pages <= left, limit, left);
        }

        private async Task<(int Pages, string? Note)> DocumentAsync(Action<SourceStatus> at, CancellationToken ct)
        {
            ExtractedDocument document;
            switch (source.Kind)
            {
                case SourceKind.QandA:
                    document = new ExtractedDocument(source.Title, [new Section(null, [], $"Q: {source.Title}\nA: {source.Content}")]);
                    break;
                case SourceKind.Text:
                    document = HtmlAndTextExtractor.Markdown(source.Content ?? "");
                    break;
                case SourceKind.File:
                    await StepAsync(SourceStatus.Extracting, $"Reading {source.FileName}.", at, ct);
                    var blobs = services.GetRequiredService<IBlobStore>();
                    await using (var stream = await blobs.OpenReadAsync(source.BlobPath!, ct)
                                              ?? throw new ExtractionException("The uploaded file is no longer in storage. Upload it again."))
                    {
                        var buffer = new MemoryStream();
                        await stream.CopyToAsync(buffer, ct);
                        (_, document) = await services.GetRequiredService<DocumentExtractor>().ExtractAsync(buffer.ToArray(), source.FileName ?? "", ct);
                    }
                    break;
                default:
                    throw new ExtractionException($"{source.Kind} sources are not read this way.");
            }
            var pages = Math.Max(1, document.Pages);
            var (fits, limit, left) = await ReservePagesAsync(pages, ct);
            if (!fits)
                throw new ExtractionException(left == 0
                    ? $"Your plan's limit of {limit:N0} pages is used up. Upgrade your plan or remove sources you no longer need."
                    : $"This needs {pages:N0} pages but your plan has {left:N0} of its {limit:N0} pages left. Upgrade your plan or remove sources you no longer need.");

            await StepAsync(SourceStatus.Chunking, "Cutting the text into passages.", at, ct);
            var drafts = Chunker.Chunk(document);
            if (drafts.Count == 0) throw new ExtractionException("There is no text to learn from.");
            await StepAsync(SourceStatus.Embedding, $"Embedding {Plural(drafts.Count, "passage")}.", at, ct);
            await StoreAsync(null, drafts, ct);
            return (pages, null);
        }

        private async Task FinishAsync(int pages, string? note, CancellationToken ct)
        {
            var now = Now;
            var mine = db.Chunks.Where(c => c.SourceId == source.Id);
            var totals = new { Count = await mine.CountAsync(ct), Tokens = await mine.SumAsync(c => c.Tokens, ct) };
            source.Status = SourceStatus.Ready;
            source.Error = null;
            source.Attempts = 0;
            source.Chunks = totals.Count;
            source.Tokens = totals.Tokens;
            source.Pages = pages;
            source.LastSyncedAt = now;
            Webhooks.WebhookOutbox.SourceFinished(db, source, now);
            db.Add(new IngestionEvent { SourceId = source.Id, At = now, Step = SourceStatus.Ready,
                Message = $"Ready: {Plural(source.Chunks, "passage")}, {source.Tokens:N0} tokens.{(note is null ? "" : " " + note)}"
                          + (embeddingTokens > 0 ? $" The embedding model billed {embeddingTokens:N0} tokens." : "") });
            await lease.SaveAsync(async token =>
            {
                await db.IngestionErrors.Where(e => e.SourceId == source.Id && e.ResolvedAt == null).ExecuteUpdateAsync(u => u.SetProperty(e => e.ResolvedAt, now), token);
                await db.Sources.Where(s => s.Id == source.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, (DateTimeOffset?)null), token);
            }, ct);
            await UpdateBotAsync(ct);
            // Searchable now by keywords; by meaning once the sentence model has read the new passages.
            if (MeaningJob.Applies(services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), services.GetRequiredService<IOptions<SearchOptions>>().Value))
                MeaningJob.Queue(services.GetRequiredService<Hangfire.IBackgroundJobClient>(), source.TenantId, source.ChatbotId);
        }

        /// <summary>Copies the source's passages to an external index (Azure AI Search) before the run may call itself done; a no-op for the local index.</summary>
        private async Task SyncIndexAsync(CancellationToken ct)
        {
            var index = services.GetRequiredService<ISearchIndex>();
            if (index is LocalSearchIndex) return;
            await StepAsync(SourceStatus.Embedding, "Updating the search index.", _ => { }, ct);
            await index.SyncSourceAsync(source.Id, await db.Chunks.AsNoTracking().Where(c => c.SourceId == source.Id).ToListAsync(ct), ct);
        }

        /// <summary>Bad input fails at once; anything else is retried with backoff until MaxAttempts.</summary>
        private async Task FailAsync(SourceStatus step, string reason, bool retry, CancellationToken ct)
        {
            db.ChangeTracker.Clear();
            var s = await db.Sources.FirstOrDefaultAsync(x => x.Id == sourceId, ct);
            if (s is null) return; // deleted meanwhile
            var now = Now;
            s.Attempts++;
            db.IngestionErrors.Add(new IngestionError { SourceId = s.Id, Step = step, Message = Cap(reason), RetryCount = s.Attempts - 1, CreatedAt = now });
            DateTimeOffset? again = null;
            if (retry && s.Attempts < options.MaxAttempts)
            {
                var wait = options.BackoffSeconds.Length == 0 ? 60 : options.BackoffSeconds[Math.Min(s.Attempts - 1, options.BackoffSeconds.Length - 1)];
                again = now.AddSeconds(wait);
                s.Status = SourceStatus.Queued;
                s.NextAttemptAt = again;
                db.Add(new IngestionEvent { SourceId = s.Id, At = now, Step = step, IsError = true,
                    Message = Cap($"Attempt {s.Attempts} of {options.MaxAttempts} failed: {reason} Trying again in {Plural(wait, "second")}.") });
            }
            else
            {
                s.Status = SourceStatus.Failed;
                s.Error = Cap(retry ? $"{reason} (gave up after {Plural(s.Attempts, "attempt")})" : reason);
                s.Attempts = 0;
                db.Add(new IngestionEvent { SourceId = s.Id, At = now, Step = SourceStatus.Failed, Message = s.Error, IsError = true });
                Webhooks.WebhookOutbox.SourceFinished(db, s, now);
            }
            // Fenced like every write of the run: a run whose lease was taken over records nothing.
            try
            {
                await lease.SaveAsync(token => db.Sources.Where(x => x.Id == sourceId).ExecuteUpdateAsync(u => u.SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null), token), ct);
            }
            catch (LeaseLostException)
            {
                log.LogInformation("Source {SourceId}: another run took over before this one could record its failure", sourceId);
                return;
            }
            if (again is { } at)
                await QueueAsync(db, jobs, clock, s.TenantId, s.Id, at, ct);
            await UpdateBotAsync(ct);
        }

        private async Task UpdateBotAsync(CancellationToken ct)
        {
            var chatbotId = await db.Sources.Where(s => s.Id == sourceId).Select(s => s.ChatbotId).FirstAsync(ct);
            var pending = await db.Sources.AnyAsync(s => s.ChatbotId == chatbotId && !s.Excluded && s.Status != SourceStatus.Ready && s.Status != SourceStatus.Failed, ct);
            await db.Chatbots.Where(b => b.Id == chatbotId).ExecuteUpdateAsync(u => u
                .SetProperty(b => b.TrainingStatus, pending ? TrainingStatus.Training : TrainingStatus.Ready)
                .SetProperty(b => b.LastTrainedAt, Now), ct);
        }
    }

    /// <summary>Text as the index sees it: headings lead the passage.</summary>
    private static string Embeddable(ChunkDraft d) => d.Headings.Count == 0 ? d.Text : $"{string.Join(" › ", d.Headings)}\n{d.Text}";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Hash(ExtractedDocument doc) =>
        Hash(string.Join("\n\n", doc.Sections.Select(s => $"{s.Page}|{string.Join(" › ", s.Headings)}\n{s.Text}")));

    private static string Describe(Exception e) => e switch
    {
        HttpRequestException h => $"A network request failed ({h.Message}).",
        TimeoutException => "A step took too long.",
        _ => $"Something went wrong on our side ({e.GetType().Name}). It will be retried.",
    };

    private static string Cap(string s) => s.Length > 1900 ? s[..1900] + "…" : s;

    public static string Plural(int n, string word) => $"{n:N0} {word}{(n == 1 ? "" : "s")}";
}
