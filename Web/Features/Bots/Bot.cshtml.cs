using System.ComponentModel.DataAnnotations;

namespace Parley.Features.Bots;

/// <summary>One chatbot: its details for those who may edit them, assignment and deletion for owners and admins.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class BotModel(BotAccess access, BotService bots) : PageModel
{
    public class InputModel
    {
        [Required(ErrorMessage = "Name your chatbot."), StringLength(100), Display(Name = "Name")]
        public string Name { get; set; } = "";
        [StringLength(500), Display(Name = "What it's for")]
        public string? Description { get; set; }
        public BotType Type { get; set; }
        public string PublicId { get; set; } = "";
        public bool Saved { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public Chatbot Bot { get; private set; } = null!;
    public List<AssignableMember> Members { get; private set; } = [];
    public bool CanEdit => access.CanEdit;
    public bool CanManage => access.CanCreateAndDelete;
    public bool Created { get; private set; }
    public string? Notice { get; private set; }
    public string? DeleteProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, bool created, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        Created = created;
        return Page();
    }

    public async Task<IActionResult> OnPostEditAsync(string publicId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct, keepInput: true)) return NotFound();
        if (!access.CanEdit) return Forbid();
        Input.PublicId = Bot.PublicId;
        if (!ModelState.IsValid) return this.Invalid("_BotForm", Input);
        await bots.UpdateAsync(Bot, Input.Name, Input.Description, Input.Type, ct);
        Input.Saved = true;
        return this.PageOrPartial("_BotForm", Input);
    }

    public async Task<IActionResult> OnPostStatusAsync(string publicId, BotStatus status, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanCreateAndDelete) return Forbid();
        await bots.SetStatusAsync(Bot, status, ct);
        return this.RedirectAfterPost($"/bots/{Bot.PublicId}");
    }

    public async Task<IActionResult> OnPostAssignAsync(string publicId, List<Guid> users, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanCreateAndDelete) return Forbid();
        await bots.SetAssignmentsAsync(Bot, users, ct);
        Members = await bots.AssignableAsync(Bot, ct);
        Notice = "Assignments saved.";
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string publicId, string? confirmation, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanCreateAndDelete) return Forbid();
        if (!string.Equals(confirmation?.Trim(), Bot.Name, StringComparison.Ordinal))
        {
            DeleteProblem = $"Type {Bot.Name} exactly to delete this chatbot.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        await bots.DeleteAsync(Bot, ct);
        return this.RedirectAfterPost("/bots");
    }

    private async Task<bool> LoadAsync(string publicId, CancellationToken ct, bool keepInput = false)
    {
        var bot = await access.FindAsync(publicId, ct);
        if (bot is null) return false;
        Bot = bot;
        if (!keepInput) Input = new InputModel { Name = bot.Name, Description = bot.Description, Type = bot.Type, PublicId = bot.PublicId };
        if (access.CanCreateAndDelete) Members = await bots.AssignableAsync(bot, ct);
        return true;
    }
}
