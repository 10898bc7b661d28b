using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Accounts;

public class LoginModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, AppDbContext db, ITenantContext tenant, LoginRecorder history) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Enter your email."), EmailAddress(ErrorMessage = "That doesn't look like an email address.")]
        public string Email { get; set; } = "";
        [Required(ErrorMessage = "Enter your password."), DataType(DataType.Password)]
        public string Password { get; set; } = "";
        [Display(Name = "Keep me signed in")]
        public bool RememberMe { get; set; }
        public string? ReturnUrl { get; set; }
        public string? WorkspaceName { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>A one-line notice after sign-out or a password reset.</summary>
    public string? Notice { get; private set; }

    public IActionResult OnGet(string? returnUrl, bool signedOut, bool reset)
    {
        Notice = reset ? "Your password is changed. Sign in with the new one." : signedOut ? "You're signed out." : null;
        if (User.Identity?.IsAuthenticated == true) return LocalRedirect(Home(returnUrl));
        Input.ReturnUrl = returnUrl;
        Input.WorkspaceName = tenant.Tenant?.Name;
        return Page();
    }

    /// <summary>
    /// Says the same for a wrong password, an unknown email, a locked account and an account that is not a member here,
    /// so the form reveals nothing about an account to someone who does not know its password.
    /// </summary>
    public const string Generic = "Wrong email or password. After 5 failed tries, sign-in pauses for 15 minutes; you can reset your password meanwhile.";

    public async Task<IActionResult> OnPostAsync()
    {
        Input.WorkspaceName = tenant.Tenant?.Name;
        if (!ModelState.IsValid) return this.Invalid("_LoginForm", Input);
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is null)
        {
            // Hash anyway, so an unknown email takes as long as a known one.
            HashForNothing();
            return Fail(Generic);
        }
        var member = tenant.TenantId is null || await db.Memberships.AnyAsync(m => m.UserId == user.Id && m.LeftAt == null);
        if (!member || user.Status != UserStatus.Active)
        {
            // Checked like any sign-in: failures count towards the lockout, and a locked account is not checked at all.
            var check = await signIn.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
            if (check.IsLockedOut) HashForNothing(); // a locked account is not checked; it must not answer faster
            var suspended = check.Succeeded && user.Status != UserStatus.Active;
            await history.RecordAsync(user, false, check.IsLockedOut ? "locked out" : !check.Succeeded ? "wrong password" : suspended ? "suspended" : "not a member");
            return Fail(suspended ? "This account is suspended. Contact support." : Generic);
        }

        var result = await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
            return this.RedirectAfterPost($"/account/login-2fa?rememberMe={Input.RememberMe}&returnUrl={Uri.EscapeDataString(Home(Input.ReturnUrl))}");
        await history.RecordAsync(user, result.Succeeded, result.IsLockedOut ? "locked out" : result.Succeeded ? null : "wrong password");
        if (result.IsLockedOut) HashForNothing();
        if (!result.Succeeded) return Fail(Generic);
        return this.RedirectAfterPost(Home(Input.ReturnUrl));
    }

    private void HashForNothing() => users.PasswordHasher.VerifyHashedPassword(Decoy.User, Decoy.Hash(users.PasswordHasher), Input.Password);

    /// <summary>A hash to check unknown emails (and locked accounts) against, made once with the app's own hasher.</summary>
    private static class Decoy
    {
        public static readonly AppUser User = new();
        private static string? hash;
        public static string Hash(IPasswordHasher<AppUser> hasher) => hash ??= hasher.HashPassword(User, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    private IActionResult Fail(string message)
    {
        ModelState.AddModelError("Input", message); // the form-level key under the partial's field prefix
        return this.Invalid("_LoginForm", Input);
    }

    /// <summary>Where a signed-in user goes: a local return URL, the dashboard, or on the root host the workspace picker.</summary>
    private string Home(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl
        : tenant.TenantId is null ? "/account/workspaces" : "/dashboard";
}
