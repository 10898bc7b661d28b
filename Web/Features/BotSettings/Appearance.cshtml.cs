using Parley.Features.Bots;
using Parley.Features.Plans;

namespace Parley.Features.BotSettings;

/// <summary>The Appearance screen: how the bot's launcher and chat look on the customer's site.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class AppearanceModel(BotSettingsService settings, BotIcons icons, PlanLimitsReader plans, Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options) : BotSettingsPage
{
    [BindProperty] public BotAppearance Input { get; set; } = new();
    public bool CanRemoveBranding { get; private set; }
    public bool CanWatermark { get; private set; }
    /// <summary>The saved appearance (icons are shown from it, whatever the form holds).</summary>
    public BotAppearance Stored { get; private set; } = new();
    public string? IconMessage { get; private set; }
    /// <summary>The icon as the widget serves it (on the root host).</summary>
    public string? IconUrl(IconKind kind) => BotIcons.Url(Infrastructure.Tenancy.TenantHosts.RootUrl(options.Value), Bot.PublicId, Stored, kind);
    public string? IconError { get; private set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        Input = await settings.AppearanceAsync(Bot.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        if (Input.HideBranding && !CanRemoveBranding)
            ModelState.AddModelError("Input.HideBranding", "Hiding Parley's branding comes with the Premium plan.");
        if ((Input.WatermarkText?.Trim().Length > 0 || Input.WatermarkUrl?.Trim().Length > 0) && !CanWatermark)
            ModelState.AddModelError("Input.WatermarkText", "Your own watermark comes with the Silver plan and above.");
        if (Input.WatermarkUrl?.Trim() is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            ModelState.AddModelError("Input.WatermarkUrl", "Enter a full http(s) address, like https://example.com.");
        if (!ModelState.IsValid) return this.Invalid("_AppearanceForm", this, "Input");
        await settings.SaveAppearanceAsync(Bot, Input, ct);
        Saved = true;
        return this.PageOrPartial("_AppearanceForm", this, "Input");
    }

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        var limits = await plans.LimitsAsync(ct);
        (CanRemoveBranding, CanWatermark) = (limits.RemoveBranding, limits.CustomWatermark);
        Stored = await settings.AppearanceAsync(bot.Id, ct);
        return null;
    }

    /// <summary>Uploads one icon (multipart, one request per picture); the icons card comes back with the result.</summary>
    public async Task<IActionResult> OnPostIconAsync(string publicId, IconKind kind, IFormFile? file, CancellationToken ct)
    {
        IconError = await icons.UploadAsync(Bot, kind, file, ct);
        Stored = await settings.AppearanceAsync(Bot.Id, ct);
        IconMessage = IconError is null ? $"{kind} icon saved." : null;
        return IconError is null ? this.PageOrPartial("_Icons", this, "") : this.Invalid("_Icons", this, "");
    }

    public async Task<IActionResult> OnPostRemoveIconAsync(string publicId, IconKind kind, CancellationToken ct)
    {
        await icons.RemoveAsync(Bot, kind, ct);
        Stored = await settings.AppearanceAsync(Bot.Id, ct);
        IconMessage = $"{kind} icon removed.";
        return this.PageOrPartial("_Icons", this, "");
    }
}
