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
public sealed class IngestionJob(IServiceProvider services, IBackgroundJobClient jobs)
{
    /// <summary>Queues a run of the source now, or at a time (a retry after backoff). Runs survive restarts in Hangfire's store.</summary>
    public static void Enqueue(IBackgroundJobClient jobs, Guid tenantId, Guid sourceId, DateTimeOffset? at = null) =>
        TenantJobs.Enqueue<IngestionJob>(jobs, tenantId, j => j.RunAsync(sourceId, CancellationToken.None), at);

    /// <summary>
    /// Runs inside the source's workspace (the job's tenant travels as a job parameter; infrastructure enters it). Hangfire
    /// passes its own token: stopping the host cancels it, the run lets its lease go, and the job runs again at the next start.
    /// </summary>
    [JobDisplayName("Ingest source {0}")]
    public Task RunAsync(Guid sourceId, CancellationToken ct) => new Run(services, jobs, sourceId).ExecuteAsync(ct);

    /// <summary>Thrown when another run has taken the source over; this run stops without writing more.</summary>
    private sealed class LeaseLostException() : Exception("Another run holds this source.");

    private sealed class Run(IServiceProvider services, IBackgroundJobClient jobs, Guid sourceId)
    {
        private readonly AppDbContext db = services.GetRequiredService<AppDbContext>();
        private readonly TimeProvider clock = services.GetRequiredService<TimeProvider>();
        private readonly IngestionOptions options = services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        private readonly ILogger log = services.GetRequiredService<ILogger<IngestionJob>>();
        private Source source = null!;
        private DateTimeOffset lease, previousLease;
        private long embeddingTokens;

        private DateTimeOffset Now => clock.GetUtcNow();

        /// <summary>Milliseconds only, so the lease compares equal after a round trip through either database.</summary>
        private DateTimeOffset NextLease() => DateTimeOffset.FromUnixTimeMilliseconds(Now.AddSeconds(options.LeaseSeconds).ToUnixTimeMilliseconds());

        public async Task ExecuteAsync(CancellationToken ct)
        {
            if (!await ClaimAsync(ct)) return;
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
                // at once so the next start resumes it. The last renewal may have been rolled back, so either value is ours.
                db.ChangeTracker.Clear();
                var (current, previous) = (lease, previousLease);
                await db.Sources.Where(s => s.Id == sourceId && (s.LeaseUntil == current || s.LeaseUntil == previous))
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
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

        /// <summary>Takes the source if nobody holds it and it has work to do.</summary>
        private async Task<bool> ClaimAsync(CancellationToken ct)
        {
            var now = Now;
            lease = previousLease = NextLease();
            var claimed = await db.Sources
                .Where(s => s.Id == sourceId && !s.Excluded && s.Status != SourceStatus.Ready && s.Status != SourceStatus.Failed
                            && (s.LeaseUntil == null || s.LeaseUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, lease).SetProperty(s => s.NextAttemptAt, (DateTimeOffset?)null), ct);
            if (claimed == 0) return false;
            source = await db.Sources.FirstAsync(s => s.Id == sourceId, ct);
            return true;
        }

        /// <summary>
        /// Saves the tracked changes in one transaction that first extends the lease (or finds another run has it) and
        /// runs <paramref name="statements"/> (set-based writes), inside the provider's execution strategy: on PostgreSQL a
        /// transient failure retries the whole unit. Changes are accepted only after the commit, so a retry saves them
        /// again; the new lease value is fixed before the first attempt, so a retry after a commit whose answer was lost
        /// still finds its own lease.
        /// </summary>
        private async Task SaveFencedAsync(Func<CancellationToken, Task>? statements, CancellationToken ct)
        {
            var (mine, next) = (lease, NextLease());
            await db.SaveAtomicallyAsync(async token =>
            {
                if (await db.Sources.Where(s => s.Id == sourceId && (s.LeaseUntil == mine || s.LeaseUntil == next))
                        .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, next), token) == 0)
                    throw new LeaseLostException();
                if (statements is not null) await statements(token);
            }, ct);
            (previousLease, lease) = (lease, next);
        }

        private async Task StepAsync(SourceStatus step, string message, Action<SourceStatus> at, CancellationToken ct)
        {
            at(step);
            source.Status = step;
            db.Add(new IngestionEvent { SourceId = source.Id, At = Now, Step = step, Message = message });
            await db.SaveChangesAsync(ct);
        }

        /// <summary>Pages the rest of the workspace already uses against the plan's page limit.</summary>
        private async Task<(int Limit, int Left)> PageBudgetAsync(CancellationToken ct)
        {
            var limit = (await services.GetRequiredService<PlanLimitsReader>().LimitsAsync(ct)).Pages;
            var used = await db.Sources.Where(s => s.Id != source.Id && !s.Excluded).SumAsync(s => s.Pages, ct);
            return (limit, Math.Max(0, limit - used));
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
            var (limit, left) = await PageBudgetAsync(ct);
            if (pages > left)
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

        private async Task<(int Pages, string? Note)> CrawlAsync(bool fresh, Action<SourceStatus> at, CancellationToken ct)
        {
            var (limit, left) = await PageBudgetAsync(ct);
            if (left == 0) throw new ExtractionException($"Your plan's limit of {limit:N0} pages is used up. Upgrade your plan or remove sources you no longer need.");
            var maxPages = Math.Min(source.MaxPages, left);
            await StepAsync(SourceStatus.Fetching, fresh
                ? $"{(source.Kind == SourceKind.Sitemap ? "Reading the sitemap" : "Crawling")} {source.Url} (up to {Plural(maxPages, "page")}{(source.Kind == SourceKind.Website ? $", {Plural(source.MaxDepth, "link")} deep" : "")})."
                : "Resuming where the last run stopped.", at, ct);
            var crawler = services.GetRequiredService<WebsiteCrawler>();
            var request = new CrawlRequest(new Uri(source.Url!), source.Kind == SourceKind.Sitemap, source.MaxDepth, maxPages,
                CrawlRequest.Patterns(source.IncludePaths), CrawlRequest.Patterns(source.ExcludePaths));
            int indexed = 0, changed = 0, leftOut = 0;
            string? firstProblem = null;
            await foreach (var outcome in crawler.CrawlAsync(request, ct))
            {
                var page = await db.SourcePages.FirstOrDefaultAsync(p => p.SourceId == source.Id && p.Url == outcome.Url, ct);
                if (page is null) db.SourcePages.Add(page = new SourcePage { SourceId = source.Id, Url = outcome.Url });
                page.FetchedAt = Now;
                if (outcome is PageFound found)
                {
                    indexed++;
                    var hash = Hash(found.Document);
                    if (page.Status != PageStatus.Indexed || page.ContentHash != hash || page.Id == 0)
                    {
                        var drafts = Chunker.Chunk(found.Document);
                        var (chunks, tokens) = await StoreAsync(found.Url, drafts, ct);
                        (page.Chunks, page.Tokens, page.ContentHash) = (chunks, tokens, hash);
                        changed++;
                    }
                    (page.Status, page.Reason, page.Title) = (PageStatus.Indexed, null, found.Title);
                }
                else if (outcome is PageLeftOut skipped)
                {
                    leftOut++;
                    firstProblem ??= skipped.Reason;
                    (page.Status, page.Reason, page.Chunks, page.Tokens, page.ContentHash) = (skipped.Status, skipped.Reason, 0, 0, null);
                    if (await db.Chunks.Where(c => c.SourceId == source.Id && c.Url == outcome.Url).ExecuteDeleteAsync(ct) > 0)
                        await db.TouchKnowledgeAsync(source.ChatbotId, ct);
                }
                source.Pages = indexed; // progress shown while the crawl runs
                await SaveFencedAsync(null, ct);
            }
            // Pages the site no longer has (not seen in this run) leave the bot.
            var since = source.RunStartedAt!.Value;
            var gone = await db.SourcePages.Where(p => p.SourceId == source.Id && p.FetchedAt < since).Select(p => p.Url).ToListAsync(ct);
            if (gone.Count > 0)
            {
                await db.Chunks.Where(c => c.SourceId == source.Id && gone.Contains(c.Url!)).ExecuteDeleteAsync(ct);
                await db.SourcePages.Where(p => p.SourceId == source.Id && p.FetchedAt < since).ExecuteDeleteAsync(ct);
                await db.TouchKnowledgeAsync(source.ChatbotId, ct);
            }
            if (indexed == 0)
                throw new ExtractionException(firstProblem is null ? "No pages with text were found." : $"No page could be indexed. {firstProblem}");
            var note = $"{Plural(indexed, "page")} indexed ({changed} new or changed, {indexed - changed} unchanged){(leftOut > 0 ? $", {leftOut} left out (see the page report)" : "")}{(gone.Count > 0 ? $", {gone.Count} removed" : "")}.";
            if (indexed >= left && left < source.MaxPages) note += $" Stopped at your plan's page limit ({limit:N0}).";
            return (indexed, note);
        }

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
                await SaveFencedAsync(token => db.Chunks.Where(c => c.SourceId == source.Id && c.Url == url && indexes.Contains(c.Index)).ExecuteDeleteAsync(token), ct);
                db.ChangeTracker.Entries<Chunk>().ToList().ForEach(e => e.State = EntityState.Detached);
            }
            var count = drafts.Count;
            if (await db.Chunks.Where(c => c.SourceId == source.Id && c.Url == url && (c.Index >= count || extra.Contains(c.Id))).ExecuteDeleteAsync(ct) > 0)
                await db.TouchKnowledgeAsync(source.ChatbotId, ct);
            return (drafts.Count, drafts.Sum(d => d.Tokens));
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
            db.Add(new IngestionEvent { SourceId = source.Id, At = now, Step = SourceStatus.Ready,
                Message = $"Ready: {Plural(source.Chunks, "passage")}, {source.Tokens:N0} tokens.{(note is null ? "" : " " + note)}"
                          + (embeddingTokens > 0 ? $" The embedding model billed {embeddingTokens:N0} tokens." : "") });
            await SaveFencedAsync(async token =>
            {
                await db.IngestionErrors.Where(e => e.SourceId == source.Id && e.ResolvedAt == null).ExecuteUpdateAsync(u => u.SetProperty(e => e.ResolvedAt, now), token);
                await db.Sources.Where(s => s.Id == source.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, (DateTimeOffset?)null), token);
            }, ct);
            await UpdateBotAsync(ct);
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
            }
            s.LeaseUntil = null;
            await db.SaveChangesAsync(ct);
            if (again is { } at)
                Enqueue(jobs, s.TenantId, s.Id, at);
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
