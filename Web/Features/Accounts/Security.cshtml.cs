using System.Security.Claims;
using Parley.Infrastructure.Tenancy;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

/// <summary>Password, email, two-factor status and recent sign-ins of the signed-in user.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class SecurityModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, AccountMail mail, AppDbContext db, UserSessions sessions) : PageModel
{
    public class PasswordInput
    {
        [Required(ErrorMessage = "Enter your current password."), DataType(DataType.Password), Display(Name = "Current password")]
        public string Current { get; set; } = "";
        [Required(ErrorMessage = "Choose a new password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password), Display(Name = "New password")]
        public string New { get; set; } = "";
        public bool Saved { get; set; }
    }

    public class EmailInput
    {
        public string CurrentEmail { get; set; } = "";
        public bool Confirmed { get; set; }
        [Required(ErrorMessage = "Enter the new email."), EmailAddress(ErrorMessage = "That doesn't look like an email address."), Display(Name = "New email")]
        public string NewEmail { get; set; } = "";
        [Required(ErrorMessage = "Enter your current password."), DataType(DataType.Password), Display(Name = "Current password")]
        public string Password { get; set; } = "";
        public bool Sent { get; set; }
    }

    [BindProperty] public PasswordInput Password { get; set; } = new();
    [BindProperty] public EmailInput Email { get; set; } = new();
    public bool TwoFactorEnabled { get; private set; }
    public int RecoveryCodesLeft { get; private set; }
    public List<LoginHistory> History { get; private set; } = [];
    public List<(UserSession Session, string? Workspace)> Sessions { get; private set; } = [];
    public Guid? CurrentSession => Guid.TryParse(User.FindFirstValue(AuthSetup.SessionClaim), out var id) ? id : null;
    /// <summary>Why turning two-factor off was refused, shown beside its form.</summary>
    public string? TwoFactorProblem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync((await users.GetUserAsync(User))!, ct);

    private async Task LoadAsync(AppUser me, CancellationToken ct)
    {
        Email = new EmailInput { CurrentEmail = me.Email!, Confirmed = me.EmailConfirmed };
        TwoFactorEnabled = await users.GetTwoFactorEnabledAsync(me);
        RecoveryCodesLeft = TwoFactorEnabled ? await users.CountRecoveryCodesAsync(me) : 0;
        History = await db.LoginHistory.AsNoTracking().Where(h => h.UserId == me.Id)
            .OrderByDescending(h => h.At).Take(20).ToListAsync(ct);
        Sessions = await sessions.OpenAsync(me.Id, ct);
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (!ModelState.IsValidFor("Password")) return this.Invalid("_PasswordForm", Password, "Password");
        var me = (await users.GetUserAsync(User))!;
        var result = await users.ChangePasswordAsync(me, Password.Current, Password.New);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
                ModelState.AddModelError(e.Code == "PasswordMismatch" ? "Password.Current" : "Password.New",
                    e.Code == "PasswordMismatch" ? "That's not your current password." : e.Description);
            return this.Invalid("_PasswordForm", Password, "Password");
        }
        await signIn.RefreshSignInAsync(me); // the security stamp changed: other sessions end, this one stays
        return this.PageOrPartial("_PasswordForm", new PasswordInput { Saved = true }, "Password");
    }

    public async Task<IActionResult> OnPostEmailAsync(CancellationToken ct)
    {
        var me = (await users.GetUserAsync(User))!;
        Email.CurrentEmail = me.Email!;
        Email.Confirmed = me.EmailConfirmed;
        if (ModelState.IsValidFor("Email") && string.Equals(Email.NewEmail.Trim(), me.Email, StringComparison.OrdinalIgnoreCase))
            ModelState.AddModelError("Email.NewEmail", "That's already your email.");
        else if (ModelState.IsValidFor("Email") && await users.FindByEmailAsync(Email.NewEmail.Trim()) is not null)
            ModelState.AddModelError("Email.NewEmail", "Another account uses that email.");
        if (ModelState.IsValidFor("Email") && !await users.CheckPasswordAsync(me, Email.Password))
            ModelState.AddModelError("Email.Password", "That's not your current password.");
        if (!ModelState.IsValidFor("Email")) return this.Invalid("_EmailForm", Email, "Email");
        await mail.SendEmailChangeAsync(me, Email.NewEmail.Trim(), HttpContext.PublicBase(), ct);
        await mail.SendEmailChangeNoticeAsync(me, Email.NewEmail.Trim(), HttpContext.PublicBase(), ct);
        Email.Password = "";
        Email.Sent = true;
        return this.PageOrPartial("_EmailForm", Email, "Email");
    }

    /// <summary>Turning the second step off needs the password again, so a borrowed session cannot weaken the account.</summary>
    public async Task<IActionResult> OnPostDisableTwoFactorAsync(string? password, CancellationToken ct)
    {
        var me = (await users.GetUserAsync(User))!;
        if (!await users.GetTwoFactorEnabledAsync(me)) return this.RedirectAfterPost("/account/security");
        if (string.IsNullOrEmpty(password) || !await users.CheckPasswordAsync(me, password))
        {
            await LoadAsync(me, ct);
            TwoFactorProblem = "Enter your current password to turn two-factor authentication off.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(me, false);
        await users.ResetAuthenticatorKeyAsync(me);
        await signIn.RefreshSignInAsync(me);
        return this.RedirectAfterPost("/account/security");
    }

    /// <summary>Ends every session of this account on every device and workspace, this one included.</summary>
    public async Task<IActionResult> OnPostSignOutEverywhereAsync(CancellationToken ct)
    {
        var me = (await users.GetUserAsync(User))!;
        await sessions.RevokeAllAsync(me.Id, ct);
        await users.UpdateSecurityStampAsync(me); // also voids "remember this browser" for two-factor
        await signIn.SignOutAsync();
        return this.RedirectAfterPost("/account/login?signedOut=true");
    }
}
