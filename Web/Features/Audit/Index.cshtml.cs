
namespace Parley.Features.Audit;

[TenantHost, Authorize(Policy = Policies.Admin)]
public class IndexModel(AppDbContext db) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The entity kinds an audit row can be about, for the filter.</summary>
    public static readonly string[] Kinds = ["Membership", "Invitation", "Domain", "Workspace"];

    public List<AuditLog> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public int PageNumber { get; private set; }
    public string? Kind { get; private set; }
    public string? Who { get; private set; }
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(string? kind, string? who, int p = 1, CancellationToken ct = default)
    {
        Kind = Kinds.Contains(kind) ? kind : null;
        Who = string.IsNullOrWhiteSpace(who) ? null : who.Trim();
        var query = db.Set<AuditLog>().AsNoTracking();
        if (Kind is not null) query = query.Where(a => a.EntityType == Kind);
        if (Who is not null) query = query.Where(a => a.UserEmail != null && a.UserEmail.ToLower().Contains(Who.ToLower()));
        Total = await query.CountAsync(ct);
        PageNumber = Math.Clamp(p, 1, Pages); // "page" is a Razor Pages route value, hence "p"
        Rows = await query.OrderByDescending(a => a.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
    }

    public string PageUrl(int page) => $"/audit?p={page}" + (Kind is null ? "" : $"&kind={Kind}") + (Who is null ? "" : $"&who={Uri.EscapeDataString(Who)}");
}
