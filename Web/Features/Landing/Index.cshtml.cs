using Parley.Features.Plans;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Landing;

/// <summary>The root host's landing page with pricing; on a tenant host "/" is the dashboard.</summary>
public class IndexModel(ITenantContext tenant, AppDbContext db) : PageModel
{
    public List<Plan> Plans { get; private set; } = [];

    public bool Deleted { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool deleted, CancellationToken ct)
    {
        Deleted = deleted;
        if (tenant.TenantId is not null) return LocalRedirect("/dashboard");
        Plans = await db.Plans.AsNoTracking().Where(p => p.Status == PlanStatus.Enabled).OrderBy(p => p.SortOrder).ToListAsync(ct);
        return Page();
    }
}
