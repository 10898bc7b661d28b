using System.Security.Claims;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Web;

public sealed record NavItem(string Title, string Href, string Icon, bool Active);

public sealed record ShellModel(
    string WorkspaceName, string WorkspaceSlug, string UserName, string UserEmail, Role? Role,
    IReadOnlyList<NavItem> Nav, IReadOnlyList<WorkspaceSummary> Workspaces, string RootUrl, string PlanName, string? BillingNotice, bool BillingUrgent);

/// <summary>What the dashboard frame shows: the sections the member's role may use, and their other workspaces.</summary>
public sealed class ShellBuilder(ITenantContext tenant, CurrentMember member, UserWorkspaces workspaces, PlanLimitsReader plans, IHttpContextAccessor http,
    Microsoft.Extensions.Options.IOptions<ParleyOptions> options, TimeProvider clock, AppDbContext db)
{
    private sealed record Section(string Title, string Href, string Icon, Role AtLeast);

    /// <summary>Every dashboard section, in sidebar order; later features add theirs here.</summary>
    private static readonly Section[] Sections =
    [
        new("Overview", "/dashboard", "home", Role.Agent),
        new("Inbox", "/inbox", "inbox", Role.Agent),
        new("Chatbots", "/bots", "bot", Role.Agent),
        new("Leads", "/leads", "contact", Role.Agent),
        new("Analytics", "/analytics", "chart", Role.Manager),
        new("Team", "/team", "users", Role.Manager),
        new("Domains", "/domains", "globe", Role.Admin),
        new("API keys", "/api-keys", "key", Role.Admin),
        new("Webhooks", "/webhooks", "bolt", Role.Admin),
        new("Audit log", "/audit", "list", Role.Admin),
        new("Workspace settings", "/settings/workspace", "settings", Role.Admin),
        new("Billing", "/billing", "card", Role.Owner),
    ];

    public async Task<ShellModel> BuildAsync()
    {
        var ctx = http.HttpContext!;
        var path = ctx.Request.Path.Value ?? "/";
        var userId = Guid.Parse(ctx.User.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var nav = Sections.Where(s => member.Is(s.AtLeast))
            .Select(s => new NavItem(s.Title, s.Href, s.Icon, path.StartsWith(s.Href, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var current = await plans.CurrentAsync(ctx.RequestAborted);
        var (notice, urgent) = Notice(current?.Subscription, current?.Plan, member.Is(Role.Owner));
        if (notice is null && member.Is(Role.Admin)) (notice, urgent) = await UsageNoticeAsync(ctx.RequestAborted);
        return new ShellModel(
            tenant.Tenant!.Name, tenant.Tenant.Slug,
            ctx.User.FindFirstValue("name") ?? "", ctx.User.FindFirstValue(ClaimTypes.Email) ?? "", member.Role,
            nav, await workspaces.ForUserAsync(userId, ctx.RequestAborted),
            TenantHosts.RootUrl(options.Value), current?.Plan.Name ?? "No", notice, urgent);
    }

    /// <summary>Admins and the Owner see when 80% or all of the month's messages are used.</summary>
    private async Task<(string?, bool)> UsageNoticeAsync(CancellationToken ct)
    {
        var period = Features.Chat.UsageMeter.Period(clock.GetUtcNow());
        var used = await db.UsagePeriods.Where(u => u.Period == period).Select(u => (int?)u.Messages).FirstOrDefaultAsync(ct) ?? 0;
        var limit = (await plans.LimitsAsync(ct)).MessagesPerMonth;
        var fix = member.Is(Role.Owner) ? " Add extra messages or upgrade on the Billing page." : " The workspace owner can add more on the Billing page.";
        if (used >= limit) return ($"This month's {limit:N0} messages are used: visitors see a polite notice instead of an answer until the 1st.{fix}", true);
        if (used >= limit * 0.8) return ($"{used:N0} of this month's {limit:N0} messages are used ({used * 100 / Math.Max(1, limit)}%).{fix}", false);
        return (null, false);
    }

    /// <summary>The banner every member sees while the bill needs attention (the Owner is told what to do), or none.</summary>
    private (string?, bool) Notice(Subscription? s, Plan? plan, bool owner)
    {
        if (s is null || plan is null) return (null, false);
        var now = clock.GetUtcNow();
        var fix = owner ? " Update the card on the Billing page." : " The workspace owner can fix this on the Billing page.";
        if (PlanLimitsReader.IsLocked(s, now))
            return ($"This workspace is paused because its bill is unpaid: the chat widget tells visitors it is unavailable and the dashboard is read-only. Nothing is deleted.{fix}", true);
        if (s.Status == SubscriptionStatus.PastDue && s.PastDueSince is { } since)
            return ($"The last payment for {plan.Name} failed. On {(since + PlanLimitsReader.Grace):d MMMM} the widget pauses and the dashboard becomes read-only unless the bill is paid.{fix}", true);
        if (s.Status == SubscriptionStatus.Trialing && s.TrialEnd is { } end && end - now <= TimeSpan.FromDays(3) && end > now)
            return ($"The {plan.Name} trial ends on {end:d MMMM}; then the workspace moves to Free.{(owner ? " Choose a plan on the Billing page to keep it." : "")}", false);
        return (null, false);
    }
}
