using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Features.Workspaces;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Accounts;

[RootHost]
public class SignUpModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, WorkspaceService workspaces, TenantStore store,
    AccountMail mail, HandOverTickets tickets, IOptions<ParleyOptions> options) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Tell us your name."), StringLength(200), Display(Name = "Your name")]
        public string FullName { get; set; } = "";
        [Required(ErrorMessage = "Enter your work email."), EmailAddress(ErrorMessage = "That doesn't look like an email address."), StringLength(256), Display(Name = "Work email")]
        public string Email { get; set; } = "";
        [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";
        [Required(ErrorMessage = "Name your workspace."), StringLength(100), Display(Name = "Workspace name")]
        public string WorkspaceName { get; set; } = "";
        [Required(ErrorMessage = "Choose a subdomain."), Display(Name = "Subdomain")]
        public string Slug { get; set; } = "";
        /// <summary>Set when an already signed-in user adds a workspace: no account fields then.</summary>
        public bool ExistingUser { get; set; }
        public string AppDomain { get; set; } = "";
        /// <summary>The terms of service the sign-up agrees to (not bound from the form).</summary>
        [Microsoft.AspNetCore.Mvc.ModelBinding.BindNever] public string TermsUrl { get; set; } = "/terms";
        /// <summary>A plan chosen on the pricing page ("Try Gold"): the workspace starts on its trial.</summary>
        public string? Plan { get; set; }
        /// <summary>The referral code of the link that brought this sign-up.</summary>
        public string? Ref { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public Features.Plans.Plan? TrialPlan { get; private set; }

    public async Task OnGetAsync(string? plan, string? @ref, CancellationToken ct)
    {
        Input.Plan = plan;
        Input.Ref = @ref;
        TrialPlan = await workspaces.TrialPlanAsync(plan, ct);
        Input.ExistingUser = User.Identity?.IsAuthenticated == true;
        Input.AppDomain = options.Value.AppDomain;
        Input.TermsUrl = options.Value.TermsUrl ?? "/terms";
    }

    /// <summary>Live availability as the user types the subdomain.</summary>
    public async Task<IActionResult> OnGetCheckSlug(string? slug, CancellationToken ct)
    {
        var s = Slugs.Normalize(slug);
        var problem = s.Length == 0 ? null : await workspaces.SlugProblemAsync(s, null, ct);
        return Partial("_SlugStatus", new SlugStatus(s, problem, options.Value.AppDomain));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var existing = User.Identity?.IsAuthenticated == true ? await users.GetUserAsync(User) : null;
        Input.ExistingUser = existing is not null;
        Input.AppDomain = options.Value.AppDomain;
        Input.TermsUrl = options.Value.TermsUrl ?? "/terms";
        Input.Slug = Slugs.Normalize(Input.Slug);
        if (existing is not null)
            foreach (var key in new[] { "Input.FullName", "Input.Email", "Input.Password" }) ModelState.Remove(key);
        if (await workspaces.SlugProblemAsync(Input.Slug, null, ct) is { } problem)
            ModelState.AddModelError("Input.Slug", problem);
        if (!ModelState.IsValid) return this.Invalid("_SignUpForm", Input);

        var user = existing ?? new AppUser { UserName = Input.Email.Trim(), Email = Input.Email.Trim(), FullName = Input.FullName.Trim() };
        if (existing is null)
        {
            var created = await users.CreateAsync(user, Input.Password);
            if (!created.Succeeded)
            {
                foreach (var e in created.Errors)
                    ModelState.AddModelError(e.Code.Contains("Password") ? "Input.Password" : "Input.Email",
                        e.Code is "DuplicateEmail" or "DuplicateUserName" ? "An account with this email exists. Sign in to add a workspace." : e.Description);
                return this.Invalid("_SignUpForm", Input);
            }
        }
        var tenant = await store.CreateAsync(user.Id, Input.WorkspaceName, Input.Slug, ct, Input.Plan, Input.Ref);
        var tenantUrl = TenantHosts.Url(options.Value, tenant.Slug);
        if (existing is null)
        {
            await mail.SendConfirmationAsync(user, tenantUrl, ct);
            await signIn.SignInAsync(user, isPersistent: false);
        }
        return this.RedirectAfterPost($"{tenantUrl}/account/handover?ticket={Uri.EscapeDataString(tickets.Issue(user.Id, tenant.Id, false, "/dashboard?welcome=true"))}");
    }
}

public sealed record SlugStatus(string Slug, string? Problem, string AppDomain);
