using System.Security.Claims;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Web;

public sealed record NavItem(string Title, string Href, string Icon, bool Active);

public sealed record ShellModel(
    string WorkspaceName, string WorkspaceSlug, string UserName, string UserEmail, Role? Role,
    IReadOnlyList<NavItem> Nav, IReadOnlyList<WorkspaceSummary> Workspaces, string RootUrl, string PlanName);

/// <summary>What the dashboard frame shows: the sections the member's role may use, and their other workspaces.</summary>
public sealed class ShellBuilder(ITenantContext tenant, CurrentMember member, UserWorkspaces workspaces, PlanLimitsReader plans, IHttpContextAccessor http,
    Microsoft.Extensions.Options.IOptions<ParleyOptions> options)
{
    private sealed record Section(string Title, string Href, string Icon, Role AtLeast);

    /// <summary>Every dashboard section, in sidebar order; later features add theirs here.</summary>
    private static readonly Section[] Sections =
    [
        new("Overview", "/dashboard", "home", Role.Agent),
        new("Inbox", "/inbox", "inbox", Role.Agent),
        new("Chatbots", "/bots", "bot", Role.Agent),
        new("Leads", "/leads", "contact", Role.Agent),
        new("Team", "/team", "users", Role.Manager),
        new("Domains", "/domains", "globe", Role.Admin),
        new("Audit log", "/audit", "list", Role.Admin),
        new("Workspace settings", "/settings/workspace", "settings", Role.Admin),
    ];

    public async Task<ShellModel> BuildAsync()
    {
        var ctx = http.HttpContext!;
        var path = ctx.Request.Path.Value ?? "/";
        var userId = Guid.Parse(ctx.User.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var nav = Sections.Where(s => member.Is(s.AtLeast))
            .Select(s => new NavItem(s.Title, s.Href, s.Icon, path.StartsWith(s.Href, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var domain = options.Value.AppDomain;
        return new ShellModel(
            tenant.Tenant!.Name, tenant.Tenant.Slug,
            ctx.User.FindFirstValue("name") ?? "", ctx.User.FindFirstValue(ClaimTypes.Email) ?? "", member.Role,
            nav, await workspaces.ForUserAsync(userId, ctx.RequestAborted),
            TenantHosts.RootUrl(options.Value), (await plans.CurrentAsync(ctx.RequestAborted))?.Plan.Name ?? "No");
    }
}
