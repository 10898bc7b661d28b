using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Features.Accounts;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Team;

/// <summary>Any member but the owner may leave; Agents reach this from their profile menu, others from the Team page.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class LeaveModel(TeamService team, SignInManager<AppUser> signIn, UserSessions sessions, IOptions<ParleyOptions> options) : PageModel
{
    public string? Problem { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Problem = await team.LeaveAsync(ct);
        if (Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        await sessions.RevokeCurrentAsync(User, ct);
        await signIn.SignOutAsync();
        return this.RedirectAfterPost(TenantHosts.RootUrl(options.Value) + "/account/workspaces");
    }
}
