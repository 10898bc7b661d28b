using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

public class LogoutModel(SignInManager<AppUser> signIn, UserSessions sessions) : PageModel
{
    public IActionResult OnGet() => Page();

    /// <summary>Revokes the session on the server, so a copy of the cookie is worthless from now on, then drops the cookie.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await sessions.RevokeCurrentAsync(User, ct);
        await signIn.SignOutAsync();
        return this.RedirectAfterPost("/account/login?signedOut=true");
    }
}
