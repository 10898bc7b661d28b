using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Features.Accounts;
using Parley.Features.Audit;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure;
using Parley.Infrastructure.Email;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Team;

public class InvitationOptions
{
    public const string Section = "Parley:Invitations";
    public int ExpiryDays { get; set; } = 7;
}

public sealed record MemberRow(Guid MembershipId, Guid UserId, string Name, string Email, Role Role, DateTimeOffset JoinedAt, DateTimeOffset? LastLoginAt);

/// <summary>Who may do what to the team, and doing it: one place for the rules the Team page and its tests rely on.</summary>
public sealed class TeamService(AppDbContext db, ITenantContext tenant, CurrentMember me, PlanLimitsReader plans, PlanGuard guard, AuditTrail audit, Bots.BotAccess bots,
    IEmailSender email, IOptions<InvitationOptions> options, TimeProvider clock, Billing.BillingUsage usage)
{
    /// <summary>The roles the current member may invite: Owners and Admins any but Owner, Managers only Agents.</summary>
    public IReadOnlyList<Role> InvitableRoles() => me.Role switch
    {
        Role.Owner or Role.Admin => [Role.Admin, Role.Manager, Role.Agent],
        Role.Manager => [Role.Agent],
        _ => [],
    };

    public bool CanManageMembers => me.Is(Role.Admin);

    public Task<List<MemberRow>> MembersAsync(CancellationToken ct) =>
        db.Memberships.Where(m => m.LeftAt == null)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .OrderBy(x => x.m.Role).ThenBy(x => x.u.FullName)
            .Select(x => new MemberRow(x.m.Id, x.u.Id, x.u.FullName, x.u.Email!, x.m.Role, x.m.JoinedAt, x.u.LastLoginAt))
            .ToListAsync(ct);

    public Task<List<Invitation>> PendingAsync(CancellationToken ct) =>
        db.Set<Invitation>().Where(i => i.Status == InvitationStatus.Pending).OrderByDescending(i => i.CreatedAt).ToListAsync(ct);

    /// <summary>Null when sent; otherwise the reason, for the person inviting.</summary>
    /// <summary>The chatbots the current member may hand to an invitee: the ones they can see themselves.</summary>
    public Task<List<(Guid Id, string Name)>> GrantableBotsAsync(CancellationToken ct) =>
        bots.Visible().OrderBy(b => b.Name).Select(b => new ValueTuple<Guid, string>(b.Id, b.Name)).ToListAsync(ct);

    /// <summary>The names of the bots each Manager or Agent is assigned to.</summary>
    public async Task<Dictionary<Guid, List<string>>> BotsByUserAsync(CancellationToken ct) =>
        (await db.BotAssignments.Join(db.Chatbots, a => a.ChatbotId, b => b.Id, (a, b) => new { a.UserId, b.Name }).ToListAsync(ct))
            .GroupBy(x => x.UserId).ToDictionary(g => g.Key, g => g.Select(x => x.Name).Order().ToList());

    public async Task<string?> InviteAsync(string rawEmail, Role role, string baseUrl, CancellationToken ct, IReadOnlyCollection<Guid>? botIds = null)
    {
        var address = rawEmail.Trim();
        if (!InvitableRoles().Contains(role)) return me.Role == Role.Manager ? "Managers can invite Agents only." : "You can't invite people with that role.";
        var normalized = address.ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is not null && await db.Memberships.AnyAsync(m => m.UserId == user.Id && m.LeftAt == null, ct))
            return $"{address} is already a member of this workspace.";
        var pending = await db.Set<Invitation>().FirstOrDefaultAsync(i => i.Email == address.ToLowerInvariant() && i.Status == InvitationStatus.Pending, ct);
        if (pending is not null) return $"{address} already has a pending invitation. Resend it from the list below.";

        var limits = await plans.LimitsAsync(ct);
        if (await SeatProblemAsync(limits.Seats, ct) is { } full) return full;

        var grantable = (await GrantableBotsAsync(ct)).Select(b => b.Id).ToHashSet();
        var granted = role is Role.Manager or Role.Agent ? (botIds ?? []).Where(grantable.Contains).Distinct().ToList() : [];
        if (botIds?.Any(id => !grantable.Contains(id)) == true) return "You can only give access to chatbots you can see yourself.";

        var (token, hash) = Invitation.NewToken();
        var now = clock.GetUtcNow();
        var invitation = new Invitation
        {
            Email = address.ToLowerInvariant(), Role = role, TokenHash = hash, CreatedAt = now, LastSentAt = now, BotIds = string.Join(',', granted),
            ExpiresAt = now.AddDays(options.Value.ExpiryDays), InvitedByUserId = me.Membership!.UserId,
        };
        db.Add(invitation);
        audit.Record("invitation.sent", "Invitation", invitation.Id.ToString(), invitation.Email, null, new { Role = role.ToString(), Bots = granted.Count });
        // Checked again under the workspace's lock: two invitations sent at once cannot take more seats than the plan has.
        if (await guard.SaveWithinAsync(token => SeatProblemAsync(limits.Seats, token), ct) is { } problem) return problem;
        await SendAsync(invitation, token, baseUrl, ct);
        return null;
    }

    /// <summary>Members plus pending invitations against the plan's seats.</summary>
    private async Task<string?> SeatProblemAsync(int limit, CancellationToken ct)
    {
        var seats = await usage.SeatsAsync(ct);
        return seats >= limit
            ? $"Your plan includes {limit} seat{(limit == 1 ? "" : "s")}, and members plus pending invitations use them all. Upgrade your plan or revoke an invitation."
            : null;
    }

    /// <summary>A fresh token and expiry: the link in the earlier mail stops working.</summary>
    public async Task<bool> ResendAsync(Guid id, string baseUrl, CancellationToken ct)
    {
        var invitation = await db.Set<Invitation>().FirstOrDefaultAsync(i => i.Id == id && i.Status == InvitationStatus.Pending, ct);
        if (invitation is null || !await MayHandleAsync(invitation, ct)) return false;
        var (token, hash) = Invitation.NewToken();
        invitation.TokenHash = hash;
        invitation.LastSentAt = clock.GetUtcNow();
        invitation.ExpiresAt = invitation.LastSentAt.AddDays(options.Value.ExpiryDays);
        audit.Record("invitation.resent", "Invitation", id.ToString(), invitation.Email);
        await db.SaveChangesAsync(ct);
        await SendAsync(invitation, token, baseUrl, ct);
        return true;
    }

    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct)
    {
        var invitation = await db.Set<Invitation>().FirstOrDefaultAsync(i => i.Id == id && i.Status == InvitationStatus.Pending, ct);
        if (invitation is null || !await MayHandleAsync(invitation, ct)) return false;
        invitation.Status = InvitationStatus.Revoked;
        audit.Record("invitation.revoked", "Invitation", id.ToString(), invitation.Email, new { Status = "Pending" }, new { Status = "Revoked" });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Whether the current member may resend or revoke an invitation: one of a role they may invite, granting only bots
    /// they can see themselves (a Manager cannot touch an invitation to a bot they are not assigned to).
    /// </summary>
    private async Task<bool> MayHandleAsync(Invitation invitation, CancellationToken ct)
    {
        if (!InvitableRoles().Contains(invitation.Role)) return false;
        if (me.Is(Role.Admin)) return true;
        var grantable = (await GrantableBotsAsync(ct)).Select(b => b.Id).ToHashSet();
        return invitation.Bots.All(grantable.Contains);
    }

    private Task SendAsync(Invitation invitation, string token, string baseUrl, CancellationToken ct)
    {
        var url = $"{baseUrl}/invitations/accept?token={token}";
        return email.SendAsync(EmailTemplates.Action(invitation.Email, $"You're invited to {tenant.Tenant!.Name} on Parley", "Hello,",
            $"You've been invited to join {tenant.Tenant.Name} on Parley as {Article(invitation.Role)} {invitation.Role}. The invitation is valid for {options.Value.ExpiryDays} days.",
            "Accept invitation", url, "If you weren't expecting this, you can ignore this email."), ct);
    }

    private static string Article(Role r) => r is Role.Admin or Role.Agent or Role.Owner ? "an" : "a";

    /// <summary>Null when changed; otherwise why not.</summary>
    public async Task<string?> ChangeRoleAsync(Guid membershipId, Role role, CancellationToken ct)
    {
        if (!CanManageMembers) return "Only owners and admins change roles.";
        if (role == Role.Owner) return "Use Transfer ownership to make someone the owner.";
        var m = await db.Memberships.FirstOrDefaultAsync(x => x.Id == membershipId && x.LeftAt == null, ct);
        if (m is null) return "That member is not in this workspace.";
        if (m.Role == Role.Owner) return "The owner's role can't be changed; transfer ownership instead.";
        if (m.Role == role) return null;
        audit.Record("member.role_changed", "Membership", m.Id.ToString(), await EmailOfAsync(m.UserId, ct), new { Role = m.Role.ToString() }, new { Role = role.ToString() });
        m.Role = role;
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task<string?> RemoveAsync(Guid membershipId, CancellationToken ct)
    {
        if (!CanManageMembers) return "Only owners and admins remove members.";
        var m = await db.Memberships.FirstOrDefaultAsync(x => x.Id == membershipId && x.LeftAt == null, ct);
        if (m is null) return "That member is not in this workspace.";
        if (m.Role == Role.Owner) return "The owner can't be removed.";
        if (m.UserId == me.Membership!.UserId) return "Use Leave workspace to remove yourself.";
        return await EndAsync(m, "member.removed", ct);
    }

    public async Task<string?> LeaveAsync(CancellationToken ct)
    {
        var m = await db.Memberships.FirstAsync(x => x.Id == me.Membership!.Id, ct);
        if (m.Role == Role.Owner) return "Transfer ownership before you leave; a workspace always has an owner.";
        return await EndAsync(m, "member.left", ct);
    }

    /// <summary>The membership ends now; the per-request membership check ends the member's sessions here with it.</summary>
    private async Task<string?> EndAsync(Membership m, string action, CancellationToken ct)
    {
        m.LeftAt = clock.GetUtcNow();
        db.BotAssignments.RemoveRange(await db.BotAssignments.Where(a => a.UserId == m.UserId).ToListAsync(ct));
        audit.Record(action, "Membership", m.Id.ToString(), await EmailOfAsync(m.UserId, ct), new { Role = m.Role.ToString() }, null);
        // Their open conversations go back to Unassigned in the inbox, in the same transaction.
        await db.SaveAtomicallyAsync(token => db.Conversations.Where(c => c.AssigneeId == m.UserId && c.Status != Chat.ConversationStatus.Resolved)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.AssigneeId, (Guid?)null), token), ct);
        return null;
    }

    public async Task<string?> TransferOwnershipAsync(Guid toMembershipId, string confirmation, CancellationToken ct)
    {
        if (me.Role != Role.Owner) return "Only the owner can transfer ownership.";
        if (!string.Equals(confirmation.Trim(), tenant.Tenant!.Slug, StringComparison.Ordinal)) return $"Type {tenant.Tenant.Slug} exactly to confirm.";
        var to = await db.Memberships.FirstOrDefaultAsync(x => x.Id == toMembershipId && x.LeftAt == null, ct);
        if (to is null || to.Role == Role.Owner) return "Choose another member of this workspace.";
        var from = await db.Memberships.FirstAsync(x => x.Id == me.Membership!.Id, ct);
        from.Role = Role.Admin;
        to.Role = Role.Owner;
        audit.Record("workspace.ownership_transferred", "Membership", to.Id.ToString(), await EmailOfAsync(to.UserId, ct),
            new { Owner = await EmailOfAsync(from.UserId, ct) }, new { Owner = await EmailOfAsync(to.UserId, ct) });
        await db.SaveChangesAsync(ct);
        return null;
    }

    private Task<string?> EmailOfAsync(Guid userId, CancellationToken ct) => db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
}
