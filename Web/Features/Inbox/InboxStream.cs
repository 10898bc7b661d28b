using Parley.Features.Bots;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Live;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Inbox;

/// <summary>
/// A member's live inbox stream, as a slim endpoint: the member (already authorised by the cookie and membership check)
/// and the bots they may see are read once in a scope of their own; then the stream only forwards event names for those
/// bots: "list" (the list and counts changed), "c-{conversation}" (new messages), "s-{conversation}" (its state) and
/// "t-{conversation}" (the visitor is typing). Every heartbeat it re-reads the member's access (a removed member's
/// stream ends; new bot assignments count) and records the member as present, which decides whether escalations are mailed.
/// </summary>
public static class InboxStream
{
    public const string Path = "/inbox/live";

    public static void MapInboxStream(this WebApplication app) =>
        app.MapGet(Path, RunAsync).WithMetadata(new TenantHostAttribute()).RequireAuthorization(Policies.Member).ExcludeFromDescription();

    private static async Task RunAsync(HttpContext http, LiveHub hub, TenantScopes scopes, TimeProvider clock, CancellationToken ct)
    {
        var tenant = http.RequestServices.GetRequiredService<ITenantContext>().Tenant!;
        var userId = http.RequestServices.GetRequiredService<CurrentMember>().Membership!.UserId;
        var bots = await AccessAsync(scopes, tenant, userId, clock, ct);
        if (bots is null) { http.Response.StatusCode = StatusCodes.Status404NotFound; return; }
        await LiveStream.RunAsync(http, hub, tenant.Id, e => bots.Contains(e.ChatbotId) ? Names(e) : [], async token =>
        {
            var now = await AccessAsync(scopes, tenant, userId, clock, token);
            if (now is null) return false;
            bots = now;
            return true;
        }, ct);
    }

    private static IEnumerable<string> Names(LiveEvent e) => e.Kind switch
    {
        LiveKind.Message => ["list", $"c-{e.ConversationId}"],
        LiveKind.State => ["list", $"s-{e.ConversationId}"],
        _ => [$"t-{e.ConversationId}"],
    };

    /// <summary>The bots the member may see now, after recording them as present; null when they are no longer a member.</summary>
    private static Task<HashSet<Guid>?> AccessAsync(TenantScopes scopes, Tenant tenant, Guid userId, TimeProvider clock, CancellationToken ct) =>
        scopes.RunAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var membership = await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.UserId == userId && m.LeftAt == null, ct);
            if (membership is null) return null;
            sp.GetRequiredService<CurrentMember>().Membership = membership;
            var bots = await sp.GetRequiredService<BotAccess>().Visible().Select(b => b.Id).ToListAsync(ct);
            await Presence.TouchAsync(db, userId, clock.GetUtcNow(), ct);
            return bots.ToHashSet();
        });
}

/// <summary>Records that a member has the inbox open (one row per member, its time moved forward).</summary>
public static class Presence
{
    public static async Task TouchAsync(AppDbContext db, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.InboxPresence.Where(p => p.UserId == userId).ExecuteUpdateAsync(u => u.SetProperty(p => p.LastSeenAt, now), ct) > 0) return;
        db.InboxPresence.Add(new InboxPresence { UserId = userId, LastSeenAt = now });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.ChangeTracker.Clear(); } // another stream of the same member made the row first
    }
}
