using System.ComponentModel.DataAnnotations;
using Parley.Features.Bots;
using Parley.Features.Plans;

namespace Parley.Features.BotSettings;

/// <summary>The General screen: description, model, history sent with each question, page context, follow-ups, and the per-conversation limit.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class GeneralModel(BotSettingsService settings, PlanLimitsReader plans) : BotSettingsPage
{
    [BindProperty] public BotGeneral Input { get; set; } = new();
    [BindProperty, StringLength(500)] public string? Description { get; set; }
    public IReadOnlyList<string> Models { get; private set; } = [];
    public bool CanLimitMessages { get; private set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        Input = await settings.GeneralAsync(Bot.Id, ct);
        Description = Bot.Description;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        if (!Models.Contains(Input.Model)) ModelState.AddModelError("Input.Model", "Pick one of the models your plan includes.");
        if (Input.LimitMessages && !CanLimitMessages) ModelState.AddModelError("Input.LimitMessages", "Limiting messages per conversation comes with the Premium plan.");
        if (!ModelState.IsValid) return this.Invalid("_GeneralForm", this, "Input");
        await settings.SaveGeneralAsync(Bot, Description ?? "", Input, ct);
        Saved = true;
        return this.PageOrPartial("_GeneralForm", this, "Input");
    }

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        var limits = await plans.LimitsAsync(ct);
        Models = limits.AllowedModels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Prepend(settings.DefaultModel).Distinct().ToList();
        CanLimitMessages = limits.RemoveBranding; // the Premium tier: the only plan with both
        return null;
    }
}
