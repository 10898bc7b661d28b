using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

public class LoginWith2faModel(SignInManager<AppUser> signIn, LoginRecorder history) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Enter the code."), Display(Name = "Code")]
        public string Code { get; set; } = "";
        [Display(Name = "Remember this browser")]
        public bool RememberMachine { get; set; }
        public bool RememberMe { get; set; }
        public string ReturnUrl { get; set; } = "/";
        /// <summary>True for a recovery code, false for an authenticator app code.</summary>
        public bool Recovery { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(bool rememberMe, string? returnUrl, bool recovery)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null) return Redirect("/account/login");
        Input = new InputModel { RememberMe = rememberMe, ReturnUrl = SafeReturn(returnUrl), Recovery = recovery };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return this.RedirectAfterPost("/account/login");
        Input.ReturnUrl = SafeReturn(Input.ReturnUrl);
        if (!ModelState.IsValid) return this.Invalid("_TwoFactorForm", Input);

        var code = Input.Code.Replace(" ", "").Replace("-", "");
        var result = Input.Recovery
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(Input.Code.Replace(" ", ""))
            : await signIn.TwoFactorAuthenticatorSignInAsync(code, Input.RememberMe, Input.RememberMachine);
        await history.RecordAsync(user, result.Succeeded, result.Succeeded ? null : result.IsLockedOut ? "locked out" : "wrong 2fa code");
        if (result.Succeeded) return this.RedirectAfterPost(Input.ReturnUrl);
        ModelState.AddModelError("Input.Code", result.IsLockedOut
            ? "Too many failed attempts. This account is locked for 15 minutes."
            : Input.Recovery ? "That recovery code isn't valid or was used already." : "That code isn't right. Codes change every 30 seconds.");
        return this.Invalid("_TwoFactorForm", Input);
    }

    private string SafeReturn(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/";
}
