using Microsoft.Extensions.Options;
using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Crawling;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Plans;
using Parley.Infrastructure.Outbound;
using Parley.Infrastructure.Storage;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Knowledge.Sources;

public sealed record WebsiteInput(string? Url, bool Sitemap, int Depth, int Pages, string? Include, string? Exclude, bool AutoSync);

/// <summary>Adding, retrying, re-syncing, excluding and deleting a bot's sources, with the plan's limits. Callers have checked the user may edit the bot.</summary>
public sealed class SourceService(AppDbContext db, ITenantContext tenant, Hangfire.IBackgroundJobClient jobs, AuditTrail audit, PlanLimitsReader plans, PlanGuard guard,
    IBlobStore blobs, IOptions<ExtractionOptions> extraction, IOptions<OutboundOptions> outbound, IOptions<CrawlOptions> crawl, TimeProvider clock)
{
    public static string BotPrefix(Guid tenantId, Guid botId) => $"tenants/{tenantId:N}/bots/{botId:N}/";

    /// <summary>The source, or null and a reason written for the user.</summary>
    public async Task<(Source? Source, string? Problem)> AddTextAsync(Chatbot bot, string? title, string? content, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(content)) return (null, "Paste the text the bot should learn.");
        return await AddAsync(bot, new Source { Kind = SourceKind.Text, Title = string.IsNullOrWhiteSpace(title) ? FirstWords(content) : Trim(title, 500), Content = content.Trim() }, ct);
    }

    public async Task<(Source? Source, string? Problem)> AddQaAsync(Chatbot bot, string? question, string? answer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer)) return (null, "Enter both the question and its answer.");
        return await AddAsync(bot, new Source { Kind = SourceKind.QandA, Title = Trim(question, 500), Content = answer.Trim() }, ct);
    }

    /// <summary>Checks the file's size and content type, stores it under a generated name, and queues it.</summary>
    public async Task<(Source? Source, string? Problem)> AddFileAsync(Chatbot bot, string fileName, Stream content, long length, CancellationToken ct)
    {
        var name = Clean(Path.GetFileName(fileName ?? "")).Trim();
        if (name.Length == 0) name = "upload";
        var limitMb = (await plans.LimitsAsync(ct)).FileSizeMb;
        if (length > limitMb * 1024L * 1024) return (null, $"This file is {length / 1024.0 / 1024:0.#} MB; your plan accepts files up to {limitMb} MB.");
        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        if (buffer.Length > limitMb * 1024L * 1024) return (null, $"This file is larger than your plan's {limitMb} MB.");
        DocumentType type;
        try { type = FileSniffer.Detect(buffer.ToArray(), name, extraction.Value); }
        catch (ExtractionException e) { return (null, e.Message); }
        var source = new Source { Kind = SourceKind.File, Title = Trim(Path.GetFileNameWithoutExtension(name) is { Length: > 0 } t ? t : name, 500), FileName = Trim(name, 255), FileType = type.ToString(), SizeBytes = buffer.Length };
        source.BlobPath = $"{BotPrefix(tenant.TenantId!.Value, bot.Id)}sources/{source.Id:N}";
        if (await LimitProblemAsync(ct) is { } problem) return (null, problem); // before storing anything
        buffer.Position = 0;
        await blobs.PutAsync(source.BlobPath, buffer, "application/octet-stream", ct);
        var added = await AddAsync(bot, source, ct);
        if (added.Item1 is null) await blobs.DeleteAsync(source.BlobPath, CancellationToken.None); // refused meanwhile: keep no orphan
        return added;
    }

    public async Task<(Source? Source, string? Problem)> AddWebsiteAsync(Chatbot bot, WebsiteInput input, CancellationToken ct)
    {
        var text = input.Url?.Trim() ?? "";
        if (text.Length > 0 && !text.Contains("://")) text = "https://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
            return (null, input.Sitemap ? "Enter the sitemap's full address, like https://example.com/sitemap.xml." : "Enter the website's address, like https://example.com.");
        try { SafeHttp.CheckUrl(url, outbound.Value); }
        catch (OutboundRequestRefusedException e) { return (null, e.Message); }
        var limits = await plans.LimitsAsync(ct);
        var maxPages = Math.Min(crawl.Value.MaxPagesPerSource, limits.Pages);
        if (input.Pages < 1 || input.Pages > maxPages) return (null, $"Choose between 1 and {maxPages:N0} pages.");
        if (!input.Sitemap && (input.Depth < 0 || input.Depth > crawl.Value.MaxDepth)) return (null, $"Choose a depth between 0 and {crawl.Value.MaxDepth}.");
        var key = WebsiteCrawler.Key(url);
        if (await db.Sources.AnyAsync(s => s.ChatbotId == bot.Id && s.Url == key, ct)) return (null, $"{key} is already a source of this bot. Re-sync it instead.");
        return await AddAsync(bot, new Source
        {
            Kind = input.Sitemap ? SourceKind.Sitemap : SourceKind.Website, Title = Trim(url.Host + (url.AbsolutePath == "/" ? "" : url.AbsolutePath), 500), Url = key,
            MaxDepth = input.Sitemap ? 0 : input.Depth, MaxPages = input.Pages, IncludePaths = Patterns(input.Include), ExcludePaths = Patterns(input.Exclude),
            AutoSync = input.AutoSync,
        }, ct);
    }

    /// <summary>Runs a failed source again, or re-syncs a ready one (only changed pages and passages are redone).</summary>
    public async Task<string?> RequeueAsync(Source source, CancellationToken ct)
    {
        if (source.Excluded) return "Include the source in training first.";
        if (source.Status is not (SourceStatus.Ready or SourceStatus.Failed)) return "This source is already being trained.";
        var retry = source.Status == SourceStatus.Failed;
        source.Status = SourceStatus.Queued;
        source.Attempts = 0;
        source.NextAttemptAt = null;
        db.IngestionEvents.Add(new IngestionEvent { SourceId = source.Id, At = clock.GetUtcNow(), Step = SourceStatus.Queued, Message = retry ? "Retry requested." : "Re-sync requested." });
        audit.Record(retry ? "source.retried" : "source.resynced", "Source", source.Id.ToString(), source.Title, null, null);
        await db.SaveChangesAsync(ct);
        await QueueAsync(source, ct);
        return null;
    }

    /// <summary>Excluding removes the source's passages from the bot at once; including trains it again.</summary>
    public async Task<string?> SetExcludedAsync(Source source, bool excluded, CancellationToken ct)
    {
        if (source.Excluded == excluded) return null;
        source.Excluded = excluded;
        audit.Record(excluded ? "source.excluded" : "source.included", "Source", source.Id.ToString(), source.Title, new { Excluded = !excluded }, new { Excluded = excluded });
        if (excluded)
        {
            source.Chunks = 0;
            source.Tokens = 0;
            source.Status = SourceStatus.Ready;
            db.IngestionEvents.Add(new IngestionEvent { SourceId = source.Id, At = clock.GetUtcNow(), Step = SourceStatus.Ready, Message = "Excluded from training: its passages were removed from the bot." });
            // One transaction for the database; the search index is cleaned after it, retried until done.
            KnowledgeCleanup.Record(db, source.TenantId, CleanupScope.Source, source.Id, null, clock.GetUtcNow());
            await db.SaveAtomicallyAsync(async token =>
            {
                await db.Chunks.Where(c => c.SourceId == source.Id).ExecuteDeleteAsync(token);
                await db.SourcePages.Where(p => p.SourceId == source.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.ContentHash, (string?)null), token);
                await db.TouchKnowledgeAsync(source.ChatbotId, token);
            }, ct);
            KnowledgeCleanup.Soon(jobs);
            return null;
        }
        source.Status = SourceStatus.Queued;
        db.IngestionEvents.Add(new IngestionEvent { SourceId = source.Id, At = clock.GetUtcNow(), Step = SourceStatus.Queued, Message = "Included in training again." });
        var pages = Math.Max(1, source.Pages);
        if (await guard.SaveWithinAsync(async token =>
            {
                var problem = await LimitProblemAsync(token, newSource: false, pages: pages, except: source.Id);
                // Live again: the index removal its exclusion left pending must not run after the new passages are pushed.
                if (problem is null) await db.Set<PendingCleanup>().Where(c => c.Scope == CleanupScope.Source && c.TargetId == source.Id).ExecuteDeleteAsync(token);
                return problem;
            }, ct) is { } problem)
            return problem;
        await QueueAsync(source, ct);
        return null;
    }

    public async Task DeleteAsync(Source source, CancellationToken ct)
    {
        db.Sources.Remove(source); // its chunks, pages, events and errors go by cascade
        audit.Record("source.deleted", "Source", source.Id.ToString(), source.Title, new { Kind = source.Kind.ToString() }, null);
        // The rows go in one transaction; the index entries and the uploaded file after it, retried until gone.
        KnowledgeCleanup.Record(db, source.TenantId, CleanupScope.Source, source.Id, source.BlobPath, clock.GetUtcNow());
        await db.SaveAtomicallyAsync(token => db.TouchKnowledgeAsync(source.ChatbotId, token), ct);
        KnowledgeCleanup.Soon(jobs);
    }

    private async Task<(Source?, string?)> AddAsync(Chatbot bot, Source source, CancellationToken ct)
    {
        source.ChatbotId = bot.Id;
        source.CreatedAt = clock.GetUtcNow();
        db.Sources.Add(source);
        db.IngestionEvents.Add(new IngestionEvent { SourceId = source.Id, At = source.CreatedAt, Step = SourceStatus.Queued, Message = "Queued for training." });
        audit.Record("source.added", "Source", source.Id.ToString(), source.Title, null, new { Kind = source.Kind.ToString(), source.Url, source.FileName });
        if (await guard.SaveWithinAsync(token => LimitProblemAsync(token), ct) is { } problem) return (null, problem);
        await QueueAsync(source, ct);
        return (source, null);
    }

    private async Task QueueAsync(Source source, CancellationToken ct)
    {
        await db.Chatbots.Where(b => b.Id == source.ChatbotId).ExecuteUpdateAsync(u => u.SetProperty(b => b.TrainingStatus, TrainingStatus.Training), ct);
        await IngestionJob.QueueAsync(db, jobs, clock, tenant.TenantId!.Value, source.Id, null, ct);
    }

    /// <summary>The plan's source count and page limit, checked before anything is queued (under <see cref="PlanGuard"/> when saving).</summary>
    private async Task<string?> LimitProblemAsync(CancellationToken ct, bool newSource = true, int pages = 1, Guid? except = null)
    {
        var limits = await plans.LimitsAsync(ct);
        if (newSource && await db.Sources.CountAsync(ct) >= limits.Sources)
            return $"Your plan includes {Billing.PlanWording.Sources(limits.Sources)}. Upgrade your plan or remove sources you no longer need.";
        var used = await db.Sources.Where(s => !s.Excluded && s.Id != except).SumAsync(s => s.Pages, ct);
        if (used + pages > limits.Pages)
            return $"Your plan includes {Billing.PlanWording.Pages(limits.Pages)}, and {used:N0} are indexed. Upgrade your plan or remove sources you no longer need.";
        return null;
    }

    private static string? Patterns(string? lines)
    {
        var list = CrawlRequest.Patterns(lines);
        return list.Count == 0 ? null : Trim(string.Join("\n", list), 2000);
    }

    private static string Trim(string s, int max) { s = Clean(s).Trim(); return s.Length > max ? s[..(max - 1)] + "…" : s; }

    /// <summary>
    /// Titles and file names lose control characters and bidirectional overrides (U+202E and friends), so a name such as
    /// "invoice\u202Efdp.exe" cannot pose as another on the dashboard.
    /// </summary>
    public static string Clean(string s) => string.Concat(s
        .Where(c => c is not ('\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')))
        .Select(c => char.IsControl(c) ? ' ' : c));

    private static string FirstWords(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(8);
        var title = string.Join(' ', words);
        return title.Length > 80 ? title[..80] + "…" : title + "…";
    }
}
