using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

/// <summary>The Behavior screen: what the widget shows and does (sources, feedback, terms, disclaimer, auto-open, follow-ups).</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class BehaviorModel(BotSettingsService settings, Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options) : BotSettingsPage
{
    [BindProperty] public BotBehavior Input { get; set; } = new();
    /// <summary>The saved appearance, for the preview.</summary>
    public PreviewLook Look { get; private set; } = null!;
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        Input = await settings.BehaviorAsync(Bot.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        if (!ModelState.IsValid) return this.Invalid("_BehaviorForm", this, "Input");
        await settings.SaveBehaviorAsync(Bot, Input, ct);
        Saved = true;
        return this.PageOrPartial("_BehaviorForm", this, "Input");
    }

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        Look = await PreviewLook.LoadAsync(settings, bot, Infrastructure.Tenancy.TenantHosts.RootUrl(options.Value), ct);
        return null;
    }
}
