using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Workspaces;

public sealed class WorkspaceService(AppDbContext db, ITenantContext tenants, Audit.AuditTrail audit, Infrastructure.Storage.IBlobStore blobs, Knowledge.Search.ISearchIndex index)
{
    public async Task<string?> SlugProblemAsync(string slug, Guid? exceptTenant, CancellationToken ct = default)
    {
        if (Slugs.Problem(slug) is { } problem) return problem;
        var taken = await db.Tenants.AnyAsync(t => t.Slug == slug && t.Id != exceptTenant, ct)
            || await db.SlugRedirects.AnyAsync(r => r.OldSlug == slug && r.TenantId != exceptTenant, ct);
        return taken ? "That subdomain is taken." : null;
    }

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

    /// <summary>Deletes the current workspace and, by cascade, everything it owns.</summary>
    /// <summary>Deletes the workspace: its rows by cascade, then its uploaded files.</summary>
    public async Task DeleteAsync(CancellationToken ct = default)
    {
        var id = tenants.TenantId!.Value;
        await db.Tenants.Where(t => t.Id == id).ExecuteDeleteAsync(ct);
        await index.RemoveTenantAsync(id, ct);
        await blobs.DeletePrefixAsync($"tenants/{id:N}/", ct);
    }
}
