using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Accounts;

/// <summary>Turns on TOTP two-factor authentication and hands out recovery codes.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class TwoFactorModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, ITenantContext tenant) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Enter the 6-digit code from your app."), Display(Name = "Code from your app")]
        public string Code { get; set; } = "";
        public string SharedKey { get; set; } = "";
        public string AuthenticatorUri { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var me = (await users.GetUserAsync(User))!;
        if (await users.GetTwoFactorEnabledAsync(me)) return Redirect("/account/security");
        await LoadKeyAsync(me);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var me = (await users.GetUserAsync(User))!;
        await LoadKeyAsync(me);
        if (!ModelState.IsValid) return this.Invalid("_TwoFactorSetupForm", Input);
        var code = Input.Code.Replace(" ", "").Replace("-", "");
        if (!await users.VerifyTwoFactorTokenAsync(me, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError("Input.Code", "That code isn't right. Check your device's clock and try the newest code.");
            return this.Invalid("_TwoFactorSetupForm", Input);
        }
        await users.SetTwoFactorEnabledAsync(me, true);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(me, 10))!.ToList();
        await signIn.RefreshSignInAsync(me);
        return RecoveryCodesPage();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        var me = (await users.GetUserAsync(User))!;
        if (!await users.GetTwoFactorEnabledAsync(me)) return Redirect("/account/two-factor");
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(me, 10))!.ToList();
        return RecoveryCodesPage();
    }

    /// <summary>Codes are shown once, full page, never cached.</summary>
    private IActionResult RecoveryCodesPage()
    {
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    private async Task LoadKeyAsync(AppUser me)
    {
        var key = await users.GetAuthenticatorKeyAsync(me);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(me);
            await signIn.RefreshSignInAsync(me); // a new key moves the security stamp; keep this browser's session valid
            key = await users.GetAuthenticatorKeyAsync(me);
        }
        Input.SharedKey = FormatKey(key!);
        var issuer = Uri.EscapeDataString($"Parley ({tenant.Tenant?.Slug})");
        Input.AuthenticatorUri = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(me.Email!)}?secret={key}&issuer={issuer}&digits=6";
    }

    private static string FormatKey(string key)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4) sb.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        return sb.ToString().TrimEnd().ToLowerInvariant();
    }
}
