using Parley.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;
using Parley.Features.Plans;

namespace Parley.Features.Dashboard;

[TenantHost, Authorize(Policy = Policies.Member)]
public class IndexModel(UserManager<AppUser> users, PlanLimitsReader plans, AccountMail mail, AddressMailLimit mailLimit, CurrentMember member, Overview overview) : PageModel
{
    public AppUser Me { get; private set; } = null!;
    public Plan? Plan { get; private set; }
    public PlanLimits Limits { get; private set; } = new();
    public bool TwoFactor { get; private set; }
    public bool Welcome { get; private set; }
    public bool CanManageWorkspace => member.Is(Workspaces.Role.Admin);
    public bool IsOwner => member.Is(Workspaces.Role.Owner);
    /// <summary>The steps to a first answered visitor, for those who can take them (Admins and the Owner); empty once all are done.</summary>
    public IReadOnlyList<SetupStep> Steps { get; private set; } = [];
    public OverviewFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync(bool welcome, CancellationToken ct)
    {
        Me = (await users.GetUserAsync(User))!;
        TwoFactor = await users.GetTwoFactorEnabledAsync(Me);
        var current = await plans.CurrentAsync(ct);
        Plan = current?.Plan;
        Limits = await plans.LimitsAsync(ct); // with add-ons and bonuses
        Welcome = welcome;
        if (CanManageWorkspace) Steps = await overview.StepsAsync(ct);
        Figures = await overview.FiguresAsync(Limits.MessagesPerMonth, ct);
    }

    public async Task<IActionResult> OnPostResendConfirmationAsync(CancellationToken ct)
    {
        var me = (await users.GetUserAsync(User))!;
        if (!me.EmailConfirmed && await mailLimit.TryClaimAsync("confirm", me.Email!, ct))
            await mail.SendConfirmationAsync(me, HttpContext.PublicBase(), ct);
        return Request.IsHtmx()
            ? Content($"<p id=\"confirm-banner\" class=\"alert-success\" role=\"status\">We sent a new confirmation link to {System.Net.WebUtility.HtmlEncode(me.Email)}.</p>", "text/html")
            : RedirectToPage();
    }
}
