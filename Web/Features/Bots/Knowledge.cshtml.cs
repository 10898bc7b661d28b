using Parley.Features.Audit;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;
using Parley.Infrastructure.Tenancy;
using Quartz;

namespace Parley.Features.Bots;

public sealed record KnowledgeView(string PublicId, List<Source> Sources, bool CanEdit, string? Message, string? Error);
public sealed record TestPanelView(string PublicId, string Query, IReadOnlyList<SearchHit> Hits, Dictionary<Guid, string> SourceTitles);

/// <summary>A bot's knowledge: text and Q&amp;A sources with live status, and a panel showing what a question would retrieve.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class KnowledgeModel(BotAccess access, AppDbContext db, ITenantContext tenant, ISchedulerFactory scheduler, AuditTrail audit,
    LocalSearchIndex index, TimeProvider clock) : PageModel
{
    public Chatbot Bot { get; private set; } = null!;
    public KnowledgeView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        View = await ViewAsync(null, null, ct);
        return Page();
    }

    /// <summary>The source list alone, polled by htmx while anything is still being ingested.</summary>
    public async Task<IActionResult> OnGetSourcesAsync(string publicId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        return Partial("_Sources", await ViewAsync(null, null, ct));
    }

    public async Task<IActionResult> OnPostTextAsync(string publicId, string? title, string? content, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanEdit) return Forbid();
        if (string.IsNullOrWhiteSpace(content)) return await ResultAsync(null, "Paste the text the bot should learn.", ct);
        return await AddAsync(new Source { Kind = SourceKind.Text, Title = string.IsNullOrWhiteSpace(title) ? FirstWords(content) : title.Trim(), Content = content.Trim() }, ct);
    }

    public async Task<IActionResult> OnPostQaAsync(string publicId, string? question, string? answer, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanEdit) return Forbid();
        if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer)) return await ResultAsync(null, "Enter both the question and its answer.", ct);
        return await AddAsync(new Source { Kind = SourceKind.QandA, Title = question.Trim(), Content = answer.Trim() }, ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string publicId, Guid sourceId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanEdit) return Forbid();
        var source = await db.Sources.FirstOrDefaultAsync(s => s.Id == sourceId && s.ChatbotId == Bot.Id, ct);
        if (source is null) return NotFound();
        db.Sources.Remove(source); // its chunks and events go by cascade
        audit.Record("source.deleted", "Source", source.Id.ToString(), source.Title, new { Kind = source.Kind.ToString() }, null);
        await db.SaveChangesAsync(ct);
        await db.TouchKnowledgeAsync(Bot.Id, ct);
        return await ResultAsync($"Removed \"{source.Title}\".", null, ct);
    }

    public async Task<IActionResult> OnGetSearchAsync(string publicId, string? q, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var hits = string.IsNullOrWhiteSpace(q) ? [] : await index.SearchAsync(Bot.Id, q, 5, ct);
        var ids = hits.Select(h => h.SourceId).Distinct().ToList();
        var titles = await db.Sources.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Title, ct);
        return Partial("_TestPanelResults", new TestPanelView(Bot.PublicId, q ?? "", hits, titles));
    }

    private async Task<IActionResult> AddAsync(Source source, CancellationToken ct)
    {
        source.ChatbotId = Bot.Id;
        source.CreatedAt = clock.GetUtcNow();
        db.Sources.Add(source);
        db.Add(new IngestionEvent { SourceId = source.Id, At = source.CreatedAt, Step = SourceStatus.Queued, Message = "Queued for training." });
        audit.Record("source.added", "Source", source.Id.ToString(), source.Title, null, new { Kind = source.Kind.ToString() });
        await db.SaveChangesAsync(ct);
        await db.Chatbots.Where(b => b.Id == Bot.Id).ExecuteUpdateAsync(u => u.SetProperty(b => b.TrainingStatus, TrainingStatus.Training), ct);
        await IngestionJob.EnqueueAsync(scheduler, tenant.TenantId!.Value, source.Id, ct);
        return await ResultAsync($"Added \"{source.Title}\". Training starts now.", null, ct);
    }

    private async Task<IActionResult> ResultAsync(string? message, string? error, CancellationToken ct)
    {
        View = await ViewAsync(message, error, ct);
        return this.PageOrPartial("_Sources", View, "", error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private async Task<KnowledgeView> ViewAsync(string? message, string? error, CancellationToken ct) =>
        new(Bot.PublicId, await db.Sources.AsNoTracking().Where(s => s.ChatbotId == Bot.Id).OrderByDescending(s => s.CreatedAt).ToListAsync(ct),
            access.CanEdit, message, error);

    private async Task<bool> LoadAsync(string publicId, CancellationToken ct)
    {
        var bot = await access.FindAsync(publicId, ct);
        if (bot is null) return false;
        Bot = bot;
        return true;
    }

    private static string FirstWords(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(8);
        var title = string.Join(' ', words);
        return title.Length > 80 ? title[..80] + "…" : title + "…";
    }
}
