using Microsoft.Extensions.Options;
using Parley.Features.Knowledge.Crawling;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;
using Parley.Features.Plans;

namespace Parley.Features.Bots;

public sealed record KnowledgeView(string PublicId, List<Source> Sources, bool CanEdit, string? Message, string? Error, int PagesUsed, int PagesLimit, int MeaningUnread = 0, int Passages = 0,
    Billing.UpgradePrompt? Upgrade = null);
public sealed record TestPanelView(string PublicId, string Query, IReadOnlyList<SearchHit> Hits, Dictionary<Guid, string> SourceTitles);
public sealed record SourceDetailView(string PublicId, Source Source, List<IngestionEvent> Events, List<IngestionError> Errors, List<SourcePage> Pages, int PageCount);

/// <summary>A bot's knowledge: files, websites, text and Q&amp;A with live status, each source's log and page report, and a panel showing what a question would retrieve.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
[RequestSizeLimit(MaxUploadBytes), RequestFormLimits(MultipartBodyLengthLimit = MaxUploadBytes)]
public class KnowledgeModel(BotAccess access, AppDbContext db, SourceService sources, ISearchIndex index, PlanLimitsReader plans, IOptions<CrawlOptions> crawl,
    Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> embedder, IOptions<SearchOptions> search) : PageModel
{
    /// <summary>The largest file any plan accepts, plus room for the form; each plan's own limit is checked per file.</summary>
    public const long MaxUploadBytes = 101L * 1024 * 1024;

    public Chatbot Bot { get; private set; } = null!;
    public KnowledgeView View { get; private set; } = null!;
    public PlanLimits Limits { get; private set; } = null!;
    public int MaxDepth => crawl.Value.MaxDepth;
    /// <summary>The add-form shown first ("files", "website", "text", "qa"): the one asked for, or the one whose post failed.</summary>
    public string Tab { get; private set; } = "files";
    /// <summary>Why the add-form's post was refused, shown inside that form.</summary>
    public string? FormError { get; private set; }
    public static readonly string[] Tabs = ["files", "website", "text", "qa"];

    public async Task<IActionResult> OnGetAsync(string publicId, string? add, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (Tabs.Contains(add)) Tab = add!;
        Limits = await plans.LimitsAsync(ct);
        View = await ViewAsync(null, null, ct);
        return Page();
    }

    /// <summary>The source list alone, polled by htmx while anything is still being ingested.</summary>
    public async Task<IActionResult> OnGetSourcesAsync(string publicId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        return Partial("_Sources", await ViewAsync(null, null, ct));
    }

    public async Task<IActionResult> OnPostTextAsync(string publicId, string? title, string? content, CancellationToken ct) =>
        await EditAsync(publicId, async () => Added(await sources.AddTextAsync(Bot, title, content, ct)), ct, form: "text");

    public async Task<IActionResult> OnPostQaAsync(string publicId, string? question, string? answer, CancellationToken ct) =>
        await EditAsync(publicId, async () => Added(await sources.AddQaAsync(Bot, question, answer, ct)), ct, form: "qa");

    public async Task<IActionResult> OnPostWebsiteAsync(string publicId, string? url, string? kind, int depth, int pages, string? include, string? exclude, bool autoSync, CancellationToken ct) =>
        await EditAsync(publicId, async () => Added(await sources.AddWebsiteAsync(Bot, new WebsiteInput(url, kind == "sitemap", depth, pages, include, exclude, autoSync), ct)), ct, form: "website");

    /// <summary>One file per request, so the browser can show a progress bar per file. Answers JSON for the uploader.</summary>
    public async Task<IActionResult> OnPostUploadAsync(string publicId, IFormFile? file, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanEdit) return Forbid();
        if (file is null || file.Length == 0) return new JsonResult(new { error = $"{file?.FileName ?? "The file"} is empty." }) { StatusCode = StatusCodes.Status422UnprocessableEntity };
        await using var stream = file.OpenReadStream();
        var (source, problem) = await sources.AddFileAsync(Bot, file.FileName, stream, file.Length, ct);
        return source is null
            ? new JsonResult(new { error = problem }) { StatusCode = StatusCodes.Status422UnprocessableEntity }
            : new JsonResult(new { id = source.Id, title = source.Title, type = source.FileType });
    }

    public async Task<IActionResult> OnPostRetryAsync(string publicId, Guid sourceId, CancellationToken ct) =>
        await OnSourceAsync(publicId, sourceId, async s => (await sources.RequeueAsync(s, ct)) is { } p ? (null, p) : ($"\"{s.Title}\" is queued again.", null), ct);

    public async Task<IActionResult> OnPostExcludeAsync(string publicId, Guid sourceId, bool excluded, CancellationToken ct) =>
        await OnSourceAsync(publicId, sourceId, async s => (await sources.SetExcludedAsync(s, excluded, ct)) is { } p ? (null, p)
            : (excluded ? $"\"{s.Title}\" is excluded from training." : $"\"{s.Title}\" is included again and being trained.", null), ct);

    public async Task<IActionResult> OnPostDeleteAsync(string publicId, Guid sourceId, CancellationToken ct) =>
        await OnSourceAsync(publicId, sourceId, async s => { await sources.DeleteAsync(s, ct); return ($"Removed \"{s.Title}\".", null); }, ct);

    /// <summary>A source's event log, errors and (for websites) page report.</summary>
    public async Task<IActionResult> OnGetDetailAsync(string publicId, Guid sourceId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId && s.ChatbotId == Bot.Id, ct);
        if (source is null) return NotFound();
        var events = await db.IngestionEvents.AsNoTracking().Where(e => e.SourceId == source.Id).OrderByDescending(e => e.Id).Take(50).ToListAsync(ct);
        var errors = await db.IngestionErrors.AsNoTracking().Where(e => e.SourceId == source.Id).OrderByDescending(e => e.Id).Take(20).ToListAsync(ct);
        var pages = db.SourcePages.AsNoTracking().Where(p => p.SourceId == source.Id);
        var list = await pages.OrderBy(p => p.Status == PageStatus.Indexed ? 1 : 0).ThenBy(p => p.Url).Take(300).ToListAsync(ct);
        return Partial("_SourceDetail", new SourceDetailView(Bot.PublicId, source, events, errors, list, await pages.CountAsync(ct)));
    }

    public async Task<IActionResult> OnGetSearchAsync(string publicId, string? q, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var hits = string.IsNullOrWhiteSpace(q) ? [] : await index.SearchAsync(Bot.Id, q, 5, ct);
        var ids = hits.Select(h => h.SourceId).Distinct().ToList();
        var titles = await db.Sources.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Title, ct);
        return Partial("_TestPanelResults", new TestPanelView(Bot.PublicId, q ?? "", hits, titles));
    }

    private static (string?, string?) Added((Source? Source, string? Problem) r) =>
        r.Source is { } s ? ($"Added \"{s.Title}\". Training starts now.", null) : (null, r.Problem);

    /// <summary>
    /// Runs a change and answers with the source list. An add-form's refusal is shown inside that form: htmx gets the
    /// message retargeted into the form's error slot, a plain post gets the page with that form open and its error.
    /// </summary>
    private async Task<IActionResult> EditAsync(string publicId, Func<Task<(string? Message, string? Error)>> work, CancellationToken ct, string? form = null)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanEdit) return Forbid();
        var (message, error) = await work();
        if (error is null || form is null) return await ResultAsync(message, error, ct);
        (Tab, FormError) = (form, error);
        if (!Request.IsHtmx()) return await ResultAsync(null, null, ct, StatusCodes.Status422UnprocessableEntity);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Response.Htmx(h => h.Retarget($"#{form}-error").Reswap("innerHTML"));
        return Content(System.Net.WebUtility.HtmlEncode(error), "text/html");
    }

    private Task<IActionResult> OnSourceAsync(string publicId, Guid sourceId, Func<Source, Task<(string? Message, string? Error)>> work, CancellationToken ct) =>
        EditAsync(publicId, async () =>
        {
            var source = await db.Sources.FirstOrDefaultAsync(s => s.Id == sourceId && s.ChatbotId == Bot.Id, ct);
            return source is null ? (null, "That source no longer exists.") : await work(source);
        }, ct);

    private async Task<IActionResult> ResultAsync(string? message, string? error, CancellationToken ct, int? status = null)
    {
        Limits = await plans.LimitsAsync(ct);
        View = await ViewAsync(message, error, ct);
        return this.PageOrPartial("_Sources", View, "", status ?? (error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity));
    }

    private async Task<KnowledgeView> ViewAsync(string? message, string? error, CancellationToken ct)
    {
        var list = await db.Sources.AsNoTracking().Where(s => s.ChatbotId == Bot.Id).OrderByDescending(s => s.CreatedAt).ToListAsync(ct);
        var used = await db.Sources.Where(s => !s.Excluded).SumAsync(s => s.Pages, ct);
        // Passages still waiting for the sentence model (read in the background after training).
        var unread = MeaningJob.Applies(embedder, search.Value) ? await db.Chunks.CountAsync(c => c.ChatbotId == Bot.Id && c.Meaning == null, ct) : 0;
        var passages = unread > 0 ? await db.Chunks.CountAsync(c => c.ChatbotId == Bot.Id, ct) : 0;
        var limits = await plans.LimitsAsync(ct);
        // At a limit, the way past it is shown where sources are added, not only after a refused upload.
        var full = used >= limits.Pages ? $"Your plan includes {Billing.PlanWording.Pages(limits.Pages)}, and they are all used."
            : await db.Sources.CountAsync(ct) >= limits.Sources ? $"Your plan includes {Billing.PlanWording.Sources(limits.Sources)}, and they are all used." : null;
        var upgrade = full is null || !access.CanEdit ? null
            : new Billing.UpgradePrompt($"{full} Upgrade, or remove sources you no longer need.", HttpContext.RequestServices.GetRequiredService<CurrentMember>().Is(Workspaces.Role.Owner));
        return new(Bot.PublicId, list, access.CanEdit, message, error, used, limits.Pages, unread, passages, upgrade);
    }

    private async Task<bool> LoadAsync(string publicId, CancellationToken ct)
    {
        var bot = await access.FindAsync(publicId, ct);
        if (bot is null) return false;
        Bot = bot;
        return true;
    }
}
