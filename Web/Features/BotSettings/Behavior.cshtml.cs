using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

/// <summary>The Behavior screen: what the widget shows and does (sources, feedback, terms, disclaimer, auto-open, follow-ups).</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class BehaviorModel(BotAccess access, BotSettingsService settings) : PageModel
{
    [BindProperty] public BotBehavior Input { get; set; } = new();
    public Chatbot Bot { get; private set; } = null!;
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        if (await LoadAsync(publicId, ct) is { } refused) return refused;
        Input = await settings.BehaviorAsync(Bot.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        if (await LoadAsync(publicId, ct) is { } refused) return refused;
        if (!ModelState.IsValid) return this.Invalid("_BehaviorForm", this, "Input");
        await settings.SaveBehaviorAsync(Bot, Input, ct);
        Saved = true;
        return this.PageOrPartial("_BehaviorForm", this, "Input");
    }

    private async Task<IActionResult?> LoadAsync(string publicId, CancellationToken ct)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return NotFound();
        if (!access.CanEdit) return Forbid();
        Bot = bot;
        return null;
    }
}
