using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Team;

public sealed record TeamView(
    List<MemberRow> Members, List<Invitation> Invitations, IReadOnlyList<Role> InvitableRoles, bool CanManage, bool IsOwner,
    Guid MyMembershipId, string Slug, DateTimeOffset Now, string? Message, string? Error, string InviteEmail,
    List<(Guid Id, string Name)> GrantableBots, Dictionary<Guid, List<string>> BotsByUser, Billing.UpgradePrompt? SeatsFull);

[TenantHost, Authorize(Policy = Policies.Manager)]
public class IndexModel(TeamService team, CurrentMember me, ITenantContext tenant, TimeProvider clock, Billing.BillingUsage usage, Plans.PlanLimitsReader plans) : PageModel
{
    public TeamView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => View = await BuildAsync(null, null, "", ct);

    public async Task<IActionResult> OnPostInviteAsync(string? email, Role role, List<Guid> bots, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email.Trim()))
            return await ResultAsync(null, "Enter the email address of the person to invite.", email ?? "", ct);
        var problem = await team.InviteAsync(email, role, BaseUrl, ct, bots);
        return problem is null
            ? await ResultAsync($"Invitation sent to {email.Trim()}.", null, "", ct)
            : await ResultAsync(null, problem, email, ct);
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken ct) =>
        await team.ResendAsync(id, BaseUrl, ct) ? await ResultAsync("Invitation sent again with a new link.", null, "", ct) : NotFound();

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct) =>
        await team.RevokeAsync(id, ct) ? await ResultAsync("Invitation revoked.", null, "", ct) : NotFound();

    public async Task<IActionResult> OnPostRoleAsync(Guid id, Role role, CancellationToken ct) =>
        await Outcome(await team.ChangeRoleAsync(id, role, ct), "Role changed.", ct);

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct) =>
        await Outcome(await team.RemoveAsync(id, ct), "Member removed. Their sessions in this workspace have ended.", ct);

    public async Task<IActionResult> OnPostTransferAsync(Guid id, string? confirmation, CancellationToken ct) =>
        await Outcome(await team.TransferOwnershipAsync(id, confirmation ?? "", ct), "Ownership transferred. You are now an Admin.", ct);

    private async Task<IActionResult> Outcome(string? problem, string success, CancellationToken ct) =>
        await ResultAsync(problem is null ? success : null, problem, "", ct);

    private async Task<IActionResult> ResultAsync(string? message, string? error, string inviteEmail, CancellationToken ct)
    {
        View = await BuildAsync(message, error, inviteEmail, ct);
        return this.PageOrPartial("_Team", View, "", error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private async Task<TeamView> BuildAsync(string? message, string? error, string inviteEmail, CancellationToken ct) => new(
        await team.MembersAsync(ct), await team.PendingAsync(ct), team.InvitableRoles(), team.CanManageMembers, me.Role == Role.Owner,
        me.Membership!.Id, tenant.Tenant!.Slug, clock.GetUtcNow(), message, error, inviteEmail,
        await team.GrantableBotsAsync(ct), await team.BotsByUserAsync(ct), await SeatsFullAsync(ct));

    /// <summary>When members plus pending invitations use every seat, the invite form gives way to an upgrade prompt.</summary>
    private async Task<Billing.UpgradePrompt?> SeatsFullAsync(CancellationToken ct)
    {
        var seats = (await plans.LimitsAsync(ct)).Seats;
        var used = await usage.SeatsAsync(ct);
        return used < seats ? null : new Billing.UpgradePrompt(
            $"Your plan includes {Billing.PlanWording.Seats(seats)}, and members plus pending invitations use {(seats == 1 ? "it" : "them all")}. Upgrade to invite someone.",
            me.Role == Role.Owner);
    }

    private string BaseUrl => HttpContext.PublicBase();
}
