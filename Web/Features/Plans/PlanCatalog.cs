using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Plans;

/// <summary>The plans Parley sells, priced against SiteGPT and Chatbase, and the one place features read limits from.</summary>
public static class PlanCatalog
{
    public const string Free = "free", Silver = "silver", Gold = "gold", Premium = "premium";

    public static IReadOnlyList<Plan> Defaults() =>
    [
        new() { Code = Free, Name = "Free", SortOrder = 0, MonthlyPrice = 0, Description = "Try Parley on one site.",
            Limits = new() { Bots = 1, MessagesPerMonth = 100, Sources = 20, Pages = 100, Seats = 1, FileSizeMb = 5, AutoSync = SyncFrequency.Never,
                VisitorMessagesPerMinute = 10, HistoryRetentionDays = 30, AllowedModels = "extractive,gpt-4.1-mini" } },
        new() { Code = Silver, Name = "Silver", SortOrder = 1, MonthlyPrice = 29, TrialDays = 14, Description = "For a growing site.",
            Limits = new() { Bots = 2, MessagesPerMonth = 3_000, Sources = 1_000, Pages = 2_000, Seats = 3, FileSizeMb = 20, ApiAccess = true, CustomWatermark = true, AutoSync = SyncFrequency.Monthly,
                VisitorMessagesPerMinute = 20, HistoryRetentionDays = 180, AllowedModels = "extractive,gpt-4.1-mini,gpt-4.1" } },
        new() { Code = Gold, Name = "Gold", SortOrder = 2, MonthlyPrice = 79, TrialDays = 14, Description = "For teams with a live inbox.",
            Limits = new() { Bots = 5, MessagesPerMonth = 12_000, Sources = 5_000, Pages = 10_000, Seats = 10, FileSizeMb = 50, ApiAccess = true, CustomWatermark = true, Webhooks = true,
                AutoSync = SyncFrequency.Weekly, Integrations = true, VisitorMessagesPerMinute = 30, HistoryRetentionDays = 365, AllowedModels = "extractive,gpt-4.1-mini,gpt-4.1,gpt-4o" } },
        new() { Code = Premium, Name = "Premium", SortOrder = 3, MonthlyPrice = 249, TrialDays = 14, Description = "For high-traffic sites and agencies.",
            Limits = new() { Bots = 25, MessagesPerMonth = 50_000, Sources = 25_000, Pages = 50_000, Seats = 30, FileSizeMb = 100, ApiAccess = true, CustomWatermark = true, Webhooks = true,
                AutoSync = SyncFrequency.Daily, Integrations = true, RemoveBranding = true, VisitorMessagesPerMinute = 60, HistoryRetentionDays = 730,
                AllowedModels = "extractive,gpt-4.1-mini,gpt-4.1,gpt-4o,o4-mini" } },
    ];

    /// <summary>Inserts missing plans; existing plans keep any edits an operator made.</summary>
    public static async Task SeedAsync(AppDbContext db, CancellationToken ct)
    {
        var existing = await db.Plans.Select(p => p.Code).ToListAsync(ct);
        db.Plans.AddRange(Defaults().Where(p => !existing.Contains(p.Code)));
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// The one limits service: reads the current tenant's plan, subscription, add-ons and bonuses and gives the limits in
/// force (the plan's snapshot plus what add-ons and unexpired bonuses grant). Every feature that enforces a limit asks
/// here; the rows are cached per workspace version (<see cref="TenantCache"/>), so the several reads of one request and
/// of the requests after it cost no query until the subscription, an add-on or a bonus changes on any instance. Time
/// (a bonus's expiry, a trial's end) is applied at each read, so nothing waits for a job to run.
/// </summary>
public sealed class PlanLimitsReader(AppDbContext db, TenantCache cache, TimeProvider clock)
{
    /// <summary>How long a workspace whose payment failed keeps its plan before the widget pauses and the dashboard turns read-only.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromDays(7);

    public async Task<Billing.BillingSnapshot?> SnapshotAsync(CancellationToken ct = default) =>
        await cache.GetAsync("billing", async token =>
        {
            var sub = await db.Subscriptions.AsNoTracking().Include(s => s.Plan)
                .Where(s => s.Status != SubscriptionStatus.Canceled)
                .OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(token);
            if (sub is null) return null;
            var plan = sub.Plan!;
            sub.Plan = null;
            return new Billing.BillingSnapshot
            {
                Subscription = sub, Plan = plan,
                AddOns = await db.AddOnPurchases.AsNoTracking().Where(a => a.Active).OrderBy(a => a.PurchasedAt).ToListAsync(token),
                Bonuses = await db.Bonuses.AsNoTracking().OrderBy(b => b.GrantedAt).ToListAsync(token),
            };
        }, ct);

    public async Task<(Plan Plan, Subscription Subscription)?> CurrentAsync(CancellationToken ct = default) =>
        await SnapshotAsync(ct) is { } s ? (s.Plan, s.Subscription) : null;

    public async Task<PlanLimits> LimitsAsync(CancellationToken ct = default) => Effective(await SnapshotAsync(ct), clock.GetUtcNow());

    /// <summary>Whether the workspace is paused for an unpaid bill: the widget answers politely that it is unavailable and the dashboard is read-only.</summary>
    public async Task<bool> LockedAsync(CancellationToken ct = default) => IsLocked((await SnapshotAsync(ct))?.Subscription, clock.GetUtcNow());

    public static bool IsLocked(Subscription? s, DateTimeOffset now) => s is not null &&
        (s.Status == SubscriptionStatus.Unpaid || (s.Status == SubscriptionStatus.PastDue && s.PastDueSince is { } since && now >= since + Grace));

    /// <summary>The limits in force: the subscription's snapshot (Free's once a trial has run out), plus add-ons, plus unexpired bonuses.</summary>
    public static PlanLimits Effective(Billing.BillingSnapshot? s, DateTimeOffset now)
    {
        var free = PlanCatalog.Defaults()[0].Limits;
        if (s is null) return free;
        var sub = s.Subscription;
        var limits = (sub.Status == SubscriptionStatus.Trialing && sub.TrialEnd <= now ? free : sub.Limits).Copy();
        foreach (var a in s.AddOns)
            switch (a.Kind)
            {
                case Billing.AddOnKind.ExtraMessages: limits.MessagesPerMonth += a.Grants; break;
                case Billing.AddOnKind.ExtraBots: limits.Bots += a.Grants; break;
                case Billing.AddOnKind.RemoveBranding: limits.RemoveBranding = true; break;
            }
        foreach (var b in s.Bonuses.Where(b => b.ExpiresAt is null || b.ExpiresAt > now))
        {
            limits.MessagesPerMonth += b.Messages;
            limits.Pages += b.Pages;
        }
        return limits;
    }
}
