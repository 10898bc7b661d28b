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
/// Reads the current tenant's plan, subscription and limits. Every feature that enforces a limit asks here; the answer
/// is cached per workspace version (<see cref="TenantCache"/>), so the several reads of one request and of the requests
/// after it cost no query until the subscription or workspace changes on any instance.
/// </summary>
public sealed class PlanLimitsReader(AppDbContext db, TenantCache cache)
{
    public async Task<(Plan Plan, Subscription Subscription)?> CurrentAsync(CancellationToken ct = default)
    {
        var sub = await cache.GetAsync("subscription", async token => await db.Subscriptions.AsNoTracking().Include(s => s.Plan)
            .Where(s => s.Status != SubscriptionStatus.Canceled)
            .OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(token), ct);
        return sub is null ? null : (sub.Plan!, sub);
    }

    public async Task<PlanLimits> LimitsAsync(CancellationToken ct = default) =>
        (await CurrentAsync(ct))?.Subscription.Limits ?? PlanCatalog.Defaults()[0].Limits;
}
