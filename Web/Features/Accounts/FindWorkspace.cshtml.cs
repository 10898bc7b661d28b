using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Accounts;

[RootHost]
public class FindWorkspaceModel(UserManager<AppUser> users, UserWorkspaces directory, AccountMail mail, AddressMailLimit limit, IOptions<ParleyOptions> options) : PageModel
{
    [BindProperty]
    public ForgotPasswordModel.InputModel Input { get; set; } = new();

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return this.Invalid("_FindWorkspaceForm", Input);
        var email = Input.Email.Trim();
        Input.Sent = true;
        // One list per address per few minutes, whoever asks: the form cannot be used to flood someone's inbox.
        if (!await limit.TryClaimAsync("workspaces", email, ct)) return this.PageOrPartial("_FindWorkspaceForm", Input);
        var user = await users.FindByEmailAsync(email);
        var list = user is null ? [] : await directory.ForUserAsync(user.Id, ct);
        // Always the same answer on screen; the list goes only to the mailbox.
        await mail.SendWorkspaceListAsync(email, list.Select(w => (w.Name, TenantHosts.Url(options.Value, w.Slug))).ToList(),
            TenantHosts.RootUrl(options.Value) + "/signup", ct);
        return this.PageOrPartial("_FindWorkspaceForm", Input);
    }
}
