using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

public class ResetPasswordModel(UserManager<AppUser> users) : PageModel
{
    public class InputModel
    {
        [Required] public string Email { get; set; } = "";
        [Required] public string Code { get; set; } = "";
        [Required(ErrorMessage = "Choose a new password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password), Display(Name = "New password")]
        public string Password { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();
    public bool Done { get; private set; }

    public void OnGet(string? email, string? code) => Input = new InputModel { Email = email ?? "", Code = code ?? "" };

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return this.Invalid("_ResetPasswordForm", Input);
        var user = await users.FindByEmailAsync(Input.Email);
        var token = AccountMail.Decode(Input.Code);
        var result = user is null || token is null ? IdentityResult.Failed(new IdentityError { Code = "InvalidToken" })
            : await users.ResetPasswordAsync(user, token, Input.Password);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
                ModelState.AddModelError(e.Code == "InvalidToken" ? "Input" : "Input.Password",
                    e.Code == "InvalidToken" ? "This reset link is no longer valid. Ask for a new one." : e.Description);
            return this.Invalid("_ResetPasswordForm", Input);
        }
        await users.ResetAccessFailedCountAsync(user!);
        await users.SetLockoutEndDateAsync(user!, null);
        return this.RedirectAfterPost("/account/login?reset=true");
    }
}
