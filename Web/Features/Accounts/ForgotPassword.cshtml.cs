using Parley.Infrastructure.Tenancy;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

public class ForgotPasswordModel(UserManager<AppUser> users, AccountMail mail, AddressMailLimit limit) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Enter your email."), EmailAddress(ErrorMessage = "That doesn't look like an email address.")]
        public string Email { get; set; } = "";
        public bool Sent { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return this.Invalid("_ForgotPasswordForm", Input);
        // The answer is the same whether or not the account exists, so the form can't be used to probe for emails.
        // At most one reset mail per address per few minutes.
        if (await users.FindByEmailAsync(Input.Email.Trim()) is { } user && await limit.TryClaimAsync("reset", user.Email!, ct))
            await mail.SendPasswordResetAsync(user, HttpContext.PublicBase(), ct);
        Input.Sent = true;
        return this.PageOrPartial("_ForgotPasswordForm", Input);
    }
}
