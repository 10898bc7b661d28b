using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Workspaces;

public sealed class WorkspaceService(AppDbContext db, ITenantContext tenants, Audit.AuditTrail audit, Hangfire.IBackgroundJobClient jobs, TimeProvider clock)
{
    public async Task<string?> SlugProblemAsync(string slug, Guid? exceptTenant, CancellationToken ct = default)
    {
        if (Slugs.Problem(slug) is { } problem) return problem;
        var taken = await db.Tenants.AnyAsync(t => t.Slug == slug && t.Id != exceptTenant, ct)
            || await db.SlugRedirects.AnyAsync(r => r.OldSlug == slug && r.TenantId != exceptTenant, ct);
        return taken ? "That subdomain is taken." : null;
    }

    /// <summary>The plan a "Try …" link names, if it offers a trial.</summary>
    public Task<Plans.Plan?> TrialPlanAsync(string? code, CancellationToken ct) => code is null ? Task.FromResult<Plans.Plan?>(null)
        : db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Code == code && p.Status == Plans.PlanStatus.Enabled && p.TrialDays > 0, ct);

    /// <summary>Renames the current workspace; the old subdomain keeps redirecting to the new one.</summary>
    public async Task UpdateAsync(string name, string slug, CancellationToken ct = default)
    {
        var tenant = await db.Tenants.SingleAsync(t => t.Id == tenants.TenantId, ct);
        var before = new { tenant.Name, Subdomain = tenant.Slug };
        tenant.Name = name.Trim();
        if (tenant.Slug != slug)
        {
            await db.SlugRedirects.Where(r => r.OldSlug == slug).ExecuteDeleteAsync(ct);
            db.SlugRedirects.Add(new SlugRedirect { OldSlug = tenant.Slug, TenantId = tenant.Id });
            tenant.Slug = slug;
        }
        var after = new { tenant.Name, Subdomain = tenant.Slug };
        if (before != after) audit.Record("workspace.updated", "Workspace", tenant.Id.ToString(), tenant.Name, before, after);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Deletes the workspace: its rows by cascade in one transaction with the record of what it leaves outside the
    /// database, then its search index entries and uploaded files (retried until gone).
    /// </summary>
    public async Task DeleteAsync(CancellationToken ct = default)
    {
        var id = tenants.TenantId!.Value;
        Knowledge.Sources.KnowledgeCleanup.Record(db, id, Knowledge.Sources.CleanupScope.Workspace, id, $"tenants/{id:N}/", clock.GetUtcNow());
        await db.SaveAtomicallyAsync(token => db.Tenants.Where(t => t.Id == id).ExecuteDeleteAsync(token), ct);
        Knowledge.Sources.KnowledgeCleanup.Soon(jobs);
    }
}
