using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Features.Accounts;
using Parley.Features.Workspaces;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Settings;

[TenantHost, Authorize(Policy = Policies.Admin)]
public class WorkspaceModel(ITenantContext tenant, WorkspaceService workspaces, CurrentMember member, IAuthorizationService authz,
    SignInManager<AppUser> signIn, IOptions<ParleyOptions> options) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Name your workspace."), StringLength(100), Display(Name = "Workspace name")]
        public string Name { get; set; } = "";
        [Required(ErrorMessage = "Choose a subdomain."), Display(Name = "Subdomain")]
        public string Slug { get; set; } = "";
        public string AppDomain { get; set; } = "";
        public bool Saved { get; set; }
    }

    public class DeleteModel
    {
        public string WorkspaceSlug { get; set; } = "";
        [Display(Name = "Type the subdomain to confirm")]
        public string Confirmation { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty] public DeleteModel Delete { get; set; } = new();
    public bool IsOwner => member.Is(Role.Owner);

    public void OnGet()
    {
        Input = new InputModel { Name = tenant.Tenant!.Name, Slug = tenant.Tenant.Slug, AppDomain = options.Value.AppDomain };
        Delete.WorkspaceSlug = tenant.Tenant.Slug;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Input.AppDomain = options.Value.AppDomain;
        Input.Slug = Slugs.Normalize(Input.Slug);
        Delete.WorkspaceSlug = tenant.Tenant!.Slug;
        if (await workspaces.SlugProblemAsync(Input.Slug, tenant.TenantId, ct) is { } problem) ModelState.AddModelError("Input.Slug", problem);
        if (!ModelState.IsValidFor("Input")) return this.Invalid("_WorkspaceForm", Input);

        var moved = Input.Slug != tenant.Tenant.Slug;
        await workspaces.UpdateAsync(Input.Name, Input.Slug, ct);
        // A new subdomain is a new host: the session there starts from a fresh sign-in.
        if (moved) return this.RedirectAfterPost($"{TenantHosts.Url(options.Value, Input.Slug)}/account/login?returnUrl=%2Fsettings%2Fworkspace");
        Input.Saved = true;
        return this.PageOrPartial("_WorkspaceForm", Input);
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (!(await authz.AuthorizeAsync(User, Policies.Owner)).Succeeded) return Forbid();
        Delete.WorkspaceSlug = tenant.Tenant!.Slug;
        if (!string.Equals(Delete.Confirmation?.Trim(), Delete.WorkspaceSlug, StringComparison.Ordinal))
        {
            ModelState.AddModelError("Delete.Confirmation", $"Type {Delete.WorkspaceSlug} exactly to delete this workspace.");
            return this.Invalid("_DeleteWorkspaceForm", Delete, "Delete");
        }
        await workspaces.DeleteAsync(ct);
        await signIn.SignOutAsync();
        return this.RedirectAfterPost(TenantHosts.RootUrl(options.Value) + "/?deleted=true");
    }
}
