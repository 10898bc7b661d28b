using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;
using Parley.Features.Audit;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Team;

/// <summary>
/// The invitation link: a new person signs up with the invited email fixed; someone with an account signs in.
/// Either way the membership is created and the invitation is used up.
/// </summary>
[TenantHost]
public class AcceptModel(AppDbContext db, ITenantContext tenant, UserManager<AppUser> users, SignInManager<AppUser> signIn,
    AuditTrail audit, LoginRecorder history, TimeProvider clock) : PageModel
{
    public class InputModel
    {
        public string Token { get; set; } = "";
        public string Email { get; set; } = "";
        public bool HasAccount { get; set; }
        public string WorkspaceName { get; set; } = "";
        public Role Role { get; set; }
        [StringLength(200), Display(Name = "Your name")]
        public string? FullName { get; set; }
        [Required(ErrorMessage = "Enter a password."), DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    /// <summary>Why the link can't be used, when it can't.</summary>
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? token, CancellationToken ct)
    {
        var invitation = await FindAsync(token, ct);
        if (invitation is null) return Page();
        await FillAsync(invitation, token!, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var invitation = await FindAsync(Input.Token, ct);
        if (invitation is null) return this.PageOrPartial("_AcceptForm", Input);
        await FillAsync(invitation, Input.Token, ct);
        var user = await users.FindByEmailAsync(invitation.Email);
        if (user is null && string.IsNullOrWhiteSpace(Input.FullName)) ModelState.AddModelError("Input.FullName", "Tell us your name.");
        if (!ModelState.IsValid) return this.Invalid("_AcceptForm", Input);

        if (user is null)
        {
            user = new AppUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, FullName = Input.FullName!.Trim() };
            var created = await users.CreateAsync(user, Input.Password);
            if (!created.Succeeded)
            {
                foreach (var e in created.Errors) ModelState.AddModelError("Input.Password", e.Description);
                return this.Invalid("_AcceptForm", Input);
            }
        }
        else
        {
            var check = await signIn.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
            if (!check.Succeeded)
            {
                await history.RecordAsync(user, false, check.IsLockedOut ? "locked out" : "wrong password");
                ModelState.AddModelError("Input.Password", check.IsLockedOut ? "Too many failed attempts. Try again in 15 minutes." : "That's not the password of this account.");
                return this.Invalid("_AcceptForm", Input);
            }
        }

        await JoinAsync(invitation, user, ct);
        await signIn.SignInAsync(user, isPersistent: false);
        await history.RecordAsync(user, true);
        return this.RedirectAfterPost("/dashboard?joined=true");
    }

    private async Task JoinAsync(Invitation invitation, AppUser user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.UserId == user.Id, ct);
        if (membership is null) db.Memberships.Add(new Membership { UserId = user.Id, Role = invitation.Role, JoinedAt = now });
        else
        {
            membership.Role = invitation.Role;
            membership.LeftAt = null;
            membership.JoinedAt = now;
        }
        if (invitation.Role is Role.Manager or Role.Agent)
        {
            var bots = invitation.Bots;
            var existing = await db.Chatbots.Where(b => bots.Contains(b.Id)).Select(b => b.Id).ToListAsync(ct);
            var held = await db.BotAssignments.Where(a => a.UserId == user.Id).Select(a => a.ChatbotId).ToListAsync(ct);
            foreach (var botId in existing.Except(held)) db.BotAssignments.Add(new Bots.BotAssignment { ChatbotId = botId, UserId = user.Id });
        }
        invitation.Status = InvitationStatus.Accepted;
        invitation.AcceptedAt = now;
        invitation.AcceptedByUserId = user.Id;
        audit.Record("invitation.accepted", "Invitation", invitation.Id.ToString(), invitation.Email, null, new { Role = invitation.Role.ToString() });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The usable invitation of a token, or null with <see cref="Problem"/> saying why.</summary>
    private async Task<Invitation?> FindAsync(string? token, CancellationToken ct)
    {
        var invitation = string.IsNullOrEmpty(token) ? null
            : await db.Set<Invitation>().FirstOrDefaultAsync(i => i.TokenHash == Invitation.Hash(token), ct);
        Problem = invitation switch
        {
            null => "This invitation link isn't valid. It may have been replaced by a newer invitation email.",
            { Status: InvitationStatus.Accepted } => "This invitation has been used already. Sign in to open the workspace.",
            { Status: InvitationStatus.Revoked } => "This invitation was withdrawn. Ask the person who invited you for a new one.",
            _ when !invitation.IsOpen(clock.GetUtcNow()) => "This invitation has expired. Ask the person who invited you to resend it.",
            _ => null,
        };
        return Problem is null ? invitation : null;
    }

    private async Task FillAsync(Invitation invitation, string token, CancellationToken ct)
    {
        Input.Token = token;
        Input.Email = invitation.Email;
        Input.Role = invitation.Role;
        Input.WorkspaceName = tenant.Tenant!.Name;
        Input.HasAccount = await users.FindByEmailAsync(invitation.Email) is not null;
    }
}
