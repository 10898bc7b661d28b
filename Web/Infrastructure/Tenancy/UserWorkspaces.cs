using Parley.Features.Workspaces;

namespace Parley.Infrastructure.Tenancy;

public sealed record WorkspaceSummary(Guid TenantId, string Slug, string Name, Role Role);

/// <summary>The workspaces a user belongs to, across tenants: the one sanctioned read past the tenant filter.</summary>
public sealed class UserWorkspaces(AppDbContext db)
{
    public Task<List<WorkspaceSummary>> ForUserAsync(Guid userId, CancellationToken ct = default) =>
        db.Memberships.IgnoreQueryFilters([AppDbContext.TenantFilter]).AsNoTracking()
            .Where(m => m.UserId == userId && m.LeftAt == null)
            .Join(db.Tenants.Where(t => t.Status == TenantStatus.Active), m => m.TenantId, t => t.Id, (m, t) => new { m.Role, t.Id, t.Slug, t.Name })
            .OrderBy(w => w.Name)
            .Select(w => new WorkspaceSummary(w.Id, w.Slug, w.Name, w.Role))
            .ToListAsync(ct);

}
