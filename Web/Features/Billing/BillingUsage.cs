using Parley.Features.Team;

namespace Parley.Features.Billing;

/// <summary>What the workspace uses of each limit right now (seed 000's usage_tracking, read live).</summary>
public sealed record UsageFigures(int Messages, int Pages, int Bots, int Seats, int Sources, long StorageBytes);

public sealed class BillingUsage(AppDbContext db, TimeProvider clock)
{
    public async Task<UsageFigures> ReadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var period = Chat.UsageMeter.Period(now);
        var messages = await db.UsagePeriods.Where(u => u.Period == period).Select(u => u.Messages).FirstOrDefaultAsync(ct);
        var pages = await db.Sources.Where(s => !s.Excluded).SumAsync(s => s.Pages, ct);
        var sources = await db.Sources.CountAsync(ct);
        var storage = await db.Sources.SumAsync(s => s.SizeBytes, ct);
        return new UsageFigures(messages, pages, await db.Chatbots.CountAsync(ct), await SeatsAsync(ct), sources, storage);
    }

    /// <summary>Members plus pending invitations: what the plan's seats are counted against.</summary>
    public async Task<int> SeatsAsync(CancellationToken ct) =>
        await db.Memberships.CountAsync(m => m.LeftAt == null, ct) +
        await db.Set<Invitation>().CountAsync(i => i.Status == InvitationStatus.Pending && i.ExpiresAt > clock.GetUtcNow(), ct);
}

/// <summary>A limit reached, as the upgrade prompt says it.</summary>
public sealed record UpgradePrompt(string Text, bool IsOwner);
