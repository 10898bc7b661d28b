using Parley.Infrastructure.Tenancy;
using System.Text.Json;
using Parley.Features.Bots;
using Parley.Features.Chat;

namespace Parley.Features.Leads;

/// <summary>A lead with its extra fields by name, and the labels its bot's form gives those names.</summary>
public sealed record LeadRow(Visitor Visitor, Chatbot Bot, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string> Labels);

/// <summary>The leads the widget collected, across the bots the member may see: searchable, filterable by bot, exportable as CSV.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class IndexModel(BotAccess access, AppDbContext db) : PageModel
{
    public const int PageSize = 50;
    public List<LeadRow> Rows { get; private set; } = [];
    public List<Chatbot> Bots { get; private set; } = [];
    public int Total { get; private set; }
    public string? Q { get; private set; }
    public string? Bot { get; private set; }
    public int P { get; private set; } = 1;

    public async Task<IActionResult> OnGetAsync(string? q, string? bot, int p = 1, CancellationToken ct = default)
    {
        (Q, Bot, P) = (q?.Trim(), bot, Math.Max(1, p));
        Bots = await access.Visible().AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct);
        var query = Query();
        Total = await query.CountAsync(ct);
        Rows = await ToRowsAsync(query.Skip((P - 1) * PageSize).Take(PageSize), ct);
        return this.PageOrPartial("_Leads", this, "");
    }

    /// <summary>Every lead matching the filters as CSV: contact details, each extra field as a column, bot, when, and the conversation.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? q, string? bot, CancellationToken ct)
    {
        (Q, Bot) = (q?.Trim(), bot);
        Bots = await access.Visible().AsNoTracking().ToListAsync(ct);
        var rows = await ToRowsAsync(Query(), ct);
        var extra = rows.SelectMany(r => r.Fields.Keys).Distinct().Order().ToList();
        var csv = new CsvText();
        csv.Line(["Name", "Email", "Phone", .. extra, "Bot", "Captured (UTC)", "Conversation"]);
        var host = HttpContext.PublicBase();
        foreach (var r in rows)
            csv.Line([r.Visitor.Name ?? "", r.Visitor.Email ?? "", r.Visitor.Phone ?? "", .. extra.Select(k => r.Fields.GetValueOrDefault(k, "")), r.Bot.Name,
                r.Visitor.LeadAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm"), r.Visitor.LeadConversationId is { } c ? $"{host}/bots/{r.Bot.PublicId}/conversations/{c}" : ""]);
        return csv.File($"leads-{DateTime.UtcNow:yyyy-MM-dd}.csv");
    }

    private IQueryable<Visitor> Query()
    {
        var ids = Bots.Select(b => b.Id).ToList();
        if (Bots.FirstOrDefault(b => b.PublicId == Bot) is { } one) ids = [one.Id];
        var query = db.Visitors.AsNoTracking().Where(v => v.LeadAt != null && ids.Contains(v.ChatbotId));
        if (!string.IsNullOrEmpty(Q))
        {
            var q = Q.ToLower();
            query = query.Where(v => (v.Name != null && v.Name.ToLower().Contains(q)) || (v.Email != null && v.Email.ToLower().Contains(q))
                                     || (v.Phone != null && v.Phone.Contains(q)) || (v.LeadFields != null && v.LeadFields.ToLower().Contains(q)));
        }
        return query.OrderByDescending(v => v.LeadAt);
    }

    private async Task<List<LeadRow>> ToRowsAsync(IQueryable<Visitor> query, CancellationToken ct)
    {
        var visitors = await query.ToListAsync(ct);
        var botIds = visitors.Select(v => v.ChatbotId).Distinct().ToList();
        var labels = (await db.LeadSettings.AsNoTracking().Where(s => botIds.Contains(s.ChatbotId)).ToListAsync(ct))
            .ToDictionary(s => s.ChatbotId, s => (IReadOnlyDictionary<string, string>)s.Fields.ToDictionary(f => f.Name, f => f.Label));
        return visitors.Select(v => new LeadRow(v, Bots.First(b => b.Id == v.ChatbotId),
            v.LeadFields is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : new Dictionary<string, string>(),
            labels.GetValueOrDefault(v.ChatbotId) ?? new Dictionary<string, string>())).ToList();
    }
}
