using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

public class ConfirmEmailModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : PageModel
{
    public bool Confirmed { get; private set; }
    public string? NewEmail { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid userId, string? code)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        var token = AccountMail.Decode(code);
        if (user is null || token is null) return Page();
        Confirmed = (await users.ConfirmEmailAsync(user, token)).Succeeded;
        if (Confirmed && User.Identity?.IsAuthenticated == true) return LocalRedirect("/dashboard?confirmed=1");
        return Page();
    }

    /// <summary>Confirms a change of email: the token was sent to the new address, so this proves the user owns it.</summary>
    public async Task<IActionResult> OnGetChangeAsync(Guid userId, string? email, string? code)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        var token = AccountMail.Decode(code);
        if (user is null || token is null || string.IsNullOrEmpty(email)) return Page();
        var changed = await users.ChangeEmailAsync(user, email, token);
        if (changed.Succeeded)
        {
            await users.SetUserNameAsync(user, email);
            if (User.Identity?.IsAuthenticated == true) await signIn.RefreshSignInAsync(user);
        }
        Confirmed = changed.Succeeded;
        NewEmail = email;
        return Page();
    }
}
