using Microsoft.Extensions.Options;

namespace Parley.Features.Api;

/// <summary>The API's request log (Owner and Admins): the newest requests, by key and by outcome, kept 30 days (90 on the longest-history plans).</summary>
[TenantHost, Authorize(Policy = Policies.Admin)]
public class LogModel(AppDbContext db, Plans.PlanLimitsReader plans, IOptions<ApiOptions> options) : PageModel
{
    public const int PageSize = 100;
    public List<ApiRequestLog> Rows { get; private set; } = [];
    public Dictionary<Guid, ApiKey> Keys { get; private set; } = [];
    public string? Key { get; private set; }
    public bool Errors { get; private set; }
    public int KeptDays { get; private set; }

    public async Task OnGetAsync(string? key, bool errors, CancellationToken ct)
    {
        (Key, Errors) = (key, errors);
        Keys = await db.ApiKeys.AsNoTracking().ToDictionaryAsync(k => k.Id, ct);
        KeptDays = options.Value.LogDaysFor(await plans.LimitsAsync(ct));
        var query = db.ApiRequestLogs.AsNoTracking();
        if (Keys.Values.FirstOrDefault(k => k.Prefix == key) is { } chosen) query = query.Where(r => r.KeyId == chosen.Id);
        if (errors) query = query.Where(r => r.Status >= 400);
        Rows = await query.OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(PageSize).ToListAsync(ct);
    }
}
