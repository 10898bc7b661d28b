using Parley.Features.Api;
using Parley.Features.Workspaces;

namespace Parley.Infrastructure.Tenancy;

/// <summary>
/// The public API is served on the root host, where no tenant is known: the bearer key names it. This is the one lookup
/// across tenants for it; everything after runs inside the key's workspace with the usual filters.
/// </summary>
public static class ApiCallers
{
    /// <summary>The key with this prefix and its workspace (one indexed query), or null.</summary>
    public static async Task<(ApiKey Key, Tenant Tenant)?> FindAsync(AppDbContext db, string prefix, CancellationToken ct)
    {
        var found = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().Where(k => k.Prefix == prefix)
            .Join(db.Tenants, k => k.TenantId, t => t.Id, (k, t) => new { Key = k, Tenant = t }).FirstOrDefaultAsync(ct);
        return found is null ? null : (found.Key, found.Tenant);
    }

    /// <summary>Enters the key's workspace for the rest of the request.</summary>
    public static IDisposable Enter(ITenantContext tenants, Tenant tenant) => tenants.Use(tenant);
}

/// <summary>The webhook dispatcher's reads across workspaces: what is waiting, with its workspace; each row is then handled inside its workspace.</summary>
public static class WebhookQueues
{
    public static Task<List<Features.Webhooks.WebhookEvent>> EventsAsync(AppDbContext db, int take, CancellationToken ct) =>
        db.WebhookEvents.IgnoreQueryFilters().AsNoTracking().OrderBy(e => e.Id).Take(take).ToListAsync(ct);

    public static async Task<List<(long Id, Guid TenantId)>> DueAsync(AppDbContext db, DateTimeOffset now, int take, CancellationToken ct) =>
        (await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.Status == Features.Webhooks.DeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).Take(take).Select(d => new { d.Id, d.TenantId }).ToListAsync(ct)).Select(d => (d.Id, d.TenantId)).ToList();
}
