using System.Security.Claims;
using Microsoft.Extensions.Options;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Accounts;

/// <summary>The root host's workspace picker for users of several workspaces, and the hand-over into one.</summary>
[RootHost, Authorize]
public class WorkspacesModel(UserWorkspaces directory, HandOverTickets tickets, IOptions<ParleyOptions> options) : PageModel
{
    public List<WorkspaceSummary> Workspaces { get; private set; } = [];
    public string AppDomain => options.Value.AppDomain;

    private Guid UserId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Workspaces = await directory.ForUserAsync(UserId, ct);
        return Workspaces.Count == 1 ? Open(Workspaces[0]) : Page();
    }

    public async Task<IActionResult> OnGetOpenAsync(string slug, CancellationToken ct)
    {
        var workspace = (await directory.ForUserAsync(UserId, ct)).FirstOrDefault(w => w.Slug == slug);
        return workspace is null ? NotFound() : Open(workspace);
    }

    private RedirectResult Open(WorkspaceSummary w) =>
        Redirect($"{TenantHosts.Url(options.Value, w.Slug)}/account/handover?ticket={Uri.EscapeDataString(tickets.Issue(UserId, w.TenantId, false))}");
}
