using Parley.Features.Bots;
using Parley.Features.Plans;

namespace Parley.Features.BotSettings;

/// <summary>The Appearance screen: how the bot's launcher and chat look on the customer's site.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class AppearanceModel(BotAccess access, BotSettingsService settings, PlanLimitsReader plans) : PageModel
{
    [BindProperty] public BotAppearance Input { get; set; } = new();
    public Chatbot Bot { get; private set; } = null!;
    public bool CanRemoveBranding { get; private set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        if (await LoadAsync(publicId, ct) is { } refused) return refused;
        Input = await settings.AppearanceAsync(Bot.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        if (await LoadAsync(publicId, ct) is { } refused) return refused;
        if (Input.HideBranding && !CanRemoveBranding)
            ModelState.AddModelError("Input.HideBranding", "Hiding Parley's branding comes with the Premium plan.");
        if (!ModelState.IsValid) return this.Invalid("_AppearanceForm", this, "Input");
        await settings.SaveAppearanceAsync(Bot, Input, ct);
        Saved = true;
        return this.PageOrPartial("_AppearanceForm", this, "Input");
    }

    private async Task<IActionResult?> LoadAsync(string publicId, CancellationToken ct)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return NotFound();
        if (!access.CanEdit) return Forbid();
        Bot = bot;
        CanRemoveBranding = (await plans.LimitsAsync(ct)).RemoveBranding;
        return null;
    }
}
