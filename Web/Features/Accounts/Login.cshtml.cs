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

    public async Task<IActionResult> OnPostAsync()
    {
        Input.WorkspaceName = tenant.Tenant?.Name;
        if (!ModelState.IsValid) return this.Invalid("_LoginForm", Input);
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is null) return Fail("Wrong email or password.");
        if (user.Status != UserStatus.Active)
        {
            await history.RecordAsync(user, false, "suspended");
            return Fail("This account is suspended. Contact support.");
        }
        if (tenant.TenantId is not null && !await db.Memberships.AnyAsync(m => m.UserId == user.Id && m.LeftAt == null))
        {
            var passwordOk = await users.CheckPasswordAsync(user, Input.Password);
            await history.RecordAsync(user, false, "not a member");
            return Fail(passwordOk ? $"This account isn't a member of {tenant.Tenant!.Name}. Ask an admin for an invitation." : "Wrong email or password.");
        }

        var result = await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
            return this.RedirectAfterPost($"/account/login-2fa?rememberMe={Input.RememberMe}&returnUrl={Uri.EscapeDataString(Home(Input.ReturnUrl))}");
        await history.RecordAsync(user, result.Succeeded, result.IsLockedOut ? "locked out" : result.Succeeded ? null : "wrong password");
        if (result.IsLockedOut) return Fail("Too many failed attempts. This account is locked for 15 minutes; you can reset your password meanwhile.");
        if (!result.Succeeded) return Fail("Wrong email or password.");
        return this.RedirectAfterPost(Home(Input.ReturnUrl));
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
