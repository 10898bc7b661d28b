using System.ComponentModel.DataAnnotations;
using Parley.Features.Bots;
using Parley.Features.Plans;

namespace Parley.Features.BotSettings;

/// <summary>The General screen: description, model, history sent with each question, page context, follow-ups, and the per-conversation limit.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class GeneralModel(BotAccess access, BotSettingsService settings, PlanLimitsReader plans) : PageModel
{
    [BindProperty] public BotGeneral Input { get; set; } = new();
    [BindProperty, StringLength(500)] public string? Description { get; set; }
    public Chatbot Bot { get; private set; } = null!;
    public IReadOnlyList<string> Models { get; private set; } = [];
    public bool CanLimitMessages { get; private set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        if (await LoadAsync(publicId, ct) is { } refused) return refused;
        Input = await settings.GeneralAsync(Bot.Id, ct);
        Description = Bot.Description;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        if (await LoadAsync(publicId, ct) is { } refused) return refused;
        if (!Models.Contains(Input.Model)) ModelState.AddModelError("Input.Model", "Pick one of the models your plan includes.");
        if (Input.LimitMessages && !CanLimitMessages) ModelState.AddModelError("Input.LimitMessages", "Limiting messages per conversation comes with the Premium plan.");
        if (!ModelState.IsValid) return this.Invalid("_GeneralForm", this, "Input");
        await settings.SaveGeneralAsync(Bot, Description ?? "", Input, ct);
        Saved = true;
        return this.PageOrPartial("_GeneralForm", this, "Input");
    }

    private async Task<IActionResult?> LoadAsync(string publicId, CancellationToken ct)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return NotFound();
        if (!access.CanEdit) return Forbid();
        Bot = bot;
        var limits = await plans.LimitsAsync(ct);
        Models = limits.AllowedModels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Prepend(settings.DefaultModel).Distinct().ToList();
        CanLimitMessages = limits.RemoveBranding; // the Premium tier: the only plan with both
        return null;
    }
}
