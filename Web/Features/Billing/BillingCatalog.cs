using Parley.Features.Plans;

namespace Parley.Features.Billing;

/// <summary>The add-ons and promotions Parley starts with (seed 000's add_ons and promotion_referral); operators may edit them.</summary>
public static class BillingCatalog
{
    public const string RemoveBranding = "remove-branding", ExtraMessages = "extra-messages", ExtraBot = "extra-bot";
    public const string Welcome = "WELCOME2026", Referral = "REFERRAL";

    public static IReadOnlyList<AddOn> AddOns() =>
    [
        new() { Code = RemoveBranding, Name = "Remove Parley branding", Kind = AddOnKind.RemoveBranding, MonthlyPrice = 39, Grants = 1, SortOrder = 0,
            Description = "The widget shows no \"Powered by Parley\"." },
        new() { Code = ExtraMessages, Name = "Extra 5,000 messages", Kind = AddOnKind.ExtraMessages, MonthlyPrice = 39, Grants = 5_000, Stackable = true, SortOrder = 1,
            Description = "5,000 more messages every month." },
        new() { Code = ExtraBot, Name = "Extra chatbot", Kind = AddOnKind.ExtraBots, MonthlyPrice = 9, Grants = 1, Stackable = true, SortOrder = 2,
            Description = "One more chatbot." },
    ];

    public static IReadOnlyList<Promotion> Promotions() =>
    [
        new() { Code = Welcome, ShareText = "Welcome to Parley: 500 bonus messages for your first year.", BonusMessages = 500, ValidDays = 365,
            Audience = PromotionAudience.NewWorkspaces },
        new() { Code = Referral, IsReferral = true, ShareText = "Invite a business: it starts with 100 bonus messages, and you get 250 when it first pays.",
            BonusMessages = 100, ReferrerBonusMessages = 250, ReferrerBonusPages = 100, ValidDays = 365, Audience = PromotionAudience.NewWorkspaces },
    ];

    /// <summary>Inserts missing add-ons and promotions; existing ones keep an operator's edits.</summary>
    public static async Task SeedAsync(AppDbContext db, CancellationToken ct)
    {
        var addOns = await db.AddOns.Select(a => a.Code).ToListAsync(ct);
        db.AddOns.AddRange(AddOns().Where(a => !addOns.Contains(a.Code)));
        var promotions = await db.Promotions.Select(p => p.Code).ToListAsync(ct);
        db.Promotions.AddRange(Promotions().Where(p => !promotions.Contains(p.Code)));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Another instance starting at the same moment inserted them first.
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>
/// The one wording of every plan limit: the plans page, Billing, the Knowledge page and the upgrade prompts all say a limit
/// with these phrases, so no page can drift from the catalogue.
/// </summary>
public static class PlanWording
{
    private static string Count(int n, string one, string many) => $"{n:N0} {(n == 1 ? one : many)}";
    public static string Bots(int n) => Count(n, "chatbot", "chatbots");
    public static string Messages(int n) => $"{Count(n, "message", "messages")} a month";
    public static string Pages(int n) => $"{Count(n, "page", "pages")} of knowledge";
    public static string Sources(int n) => Count(n, "source", "sources");
    public static string Seats(int n) => Count(n, "team seat", "team seats");
    public static string FileSize(int mb) => $"files up to {mb:N0} MB";
    public static string History(int days) => days % 365 == 0 ? $"chat history kept {Count(days / 365, "year", "years")}" : $"chat history kept {days:N0} days";

    /// <summary>What a plan includes, in the catalogue's order; features Parley does not have yet (API, webhooks, integrations) are not listed.</summary>
    public static IReadOnlyList<string> Lines(PlanLimits l)
    {
        var lines = new List<string> { Bots(l.Bots), Messages(l.MessagesPerMonth), Pages(l.Pages), Sources(l.Sources), Seats(l.Seats), Cap(FileSize(l.FileSizeMb)) };
        if (l.AutoSync != SyncFrequency.Never) lines.Add($"{l.AutoSync} website re-sync");
        lines.Add(Cap(History(l.HistoryRetentionDays)));
        lines.Add("Live inbox and human handover");
        if (l.CustomWatermark) lines.Add("Your own mark in the widget footer");
        if (l.RemoveBranding) lines.Add("No Parley branding");
        if (l.ApiAccess) lines.Add("REST API with keys");
        if (l.Webhooks) lines.Add("Webhooks to your systems");
        if (l.Integrations) lines.Add("Slack notifications");
        return lines;
    }

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
