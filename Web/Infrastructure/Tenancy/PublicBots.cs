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

    public static async Task<(Tenant Tenant, Chatbot Bot)?> FindAsync(AppDbContext db, string publicId, CancellationToken ct)
    {
        var bot = await db.Chatbots.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(b => b.PublicId == publicId, ct);
        if (bot is null) return null;
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == bot.TenantId, ct);
        return tenant is null ? null : (tenant, bot);
    }
}
