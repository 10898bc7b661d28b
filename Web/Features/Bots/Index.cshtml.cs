using System.ComponentModel.DataAnnotations;

namespace Parley.Features.Bots;

[TenantHost, Authorize(Policy = Policies.Member)]
public class IndexModel(BotAccess access, BotService bots, Plans.PlanLimitsReader plans, CurrentMember me) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Name your chatbot."), StringLength(100), Display(Name = "Name")]
        public string Name { get; set; } = "";
        [StringLength(500), Display(Name = "What it's for")]
        public string? Description { get; set; }
        [Display(Name = "Type")]
        public BotType Type { get; set; } = BotType.Support;
        public string? Problem { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public List<Chatbot> Bots { get; private set; } = [];
    public bool CanCreate => access.CanCreateAndDelete;
    public bool IsOwner => me.Is(Workspaces.Role.Owner);

    /// <summary>The plan's bot limit when the workspace has reached it (Owners and Admins see every bot, so the count is exact).</summary>
    public int? LimitReached { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Bots = await access.Visible().AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct);
        var limit = (await plans.LimitsAsync(ct)).Bots;
        LimitReached = CanCreate && Bots.Count >= limit ? limit : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!access.CanCreateAndDelete) return Forbid();
        if (!ModelState.IsValid) return await InvalidAsync(ct);
        var (bot, problem) = await bots.CreateAsync(Input.Name, Input.Description, Input.Type, ct);
        if (bot is null)
        {
            Input.Problem = problem;
            return await InvalidAsync(ct);
        }
        return this.RedirectAfterPost($"/bots/{bot.PublicId}?created=true");
    }

    private async Task<IActionResult> InvalidAsync(CancellationToken ct)
    {
        await OnGetAsync(ct);
        return this.Invalid("_CreateBotForm", Input);
    }
}
