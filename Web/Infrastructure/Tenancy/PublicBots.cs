using Parley.Features.Bots;
using Parley.Features.Workspaces;

namespace Parley.Infrastructure.Tenancy;

/// <summary>
/// The widget is served on the root host, where no tenant is known: the bot's public id names it. This is the one
/// lookup across tenants for it; everything after runs inside the bot's tenant with the usual filters.
/// </summary>
public static class PublicBots
{
    /// <summary>Finds the bot by its public id and enters its tenant for the rest of the request; null when there is no such bot.</summary>
    public static async Task<(Tenant Tenant, Chatbot Bot)?> EnterAsync(AppDbContext db, ITenantContext tenants, string publicId, CancellationToken ct)
    {
        if (await FindAsync(db, publicId, ct) is not { } found) return null;
        tenants.Use(found.Tenant);
        return found;
    }

    /// <summary>
    /// One indexed query for the bot and its workspace together. It is not cached: the row is the version check for
    /// everything cached behind it (the bot's settings by SettingsVersion, its search data by KnowledgeVersion, the
    /// workspace's limits by CacheVersion), and those versions move by bulk updates a cached copy would miss.
    /// </summary>
    public static async Task<(Tenant Tenant, Chatbot Bot)?> FindAsync(AppDbContext db, string publicId, CancellationToken ct)
    {
        var found = await db.Chatbots.IgnoreQueryFilters().AsNoTracking().Where(b => b.PublicId == publicId)
            .Join(db.Tenants, b => b.TenantId, t => t.Id, (b, t) => new { Bot = b, Tenant = t })
            .FirstOrDefaultAsync(ct);
        return found is null ? null : (found.Tenant, found.Bot);
    }
}
