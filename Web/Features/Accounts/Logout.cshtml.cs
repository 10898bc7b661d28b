using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

public class LogoutModel(SignInManager<AppUser> signIn) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return this.RedirectAfterPost("/account/login?signedOut=true");
    }
}
