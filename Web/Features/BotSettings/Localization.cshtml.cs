using Parley.Features.Bots;
using Parley.Features.Localization;

namespace Parley.Features.BotSettings;

/// <summary>The Localization screen: the widget's languages (default, following the browser), adding one, and every text in each.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class LocalizationModel(LocalizationService localization, BotSettingsService settings, Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options) : BotSettingsPage
{
    /// <summary>The saved appearance and the main-language welcome and disclaimer, for the preview and as each language's fallback.</summary>
    public PreviewLook Look { get; private set; } = null!;
    public const int MaxText = 500;
    [BindProperty] public Dictionary<string, string> T { get; set; } = [];
    public BotLocalization Options { get; private set; } = new();
    public List<OfferedLocale> Locales { get; private set; } = [];
    public OfferedLocale Current { get; private set; } = null!;
    public Texts Texts { get; private set; } = Texts.English;
    public bool Saved { get; private set; }
    public string? OptionsMessage { get; private set; }
    public string? AddError { get; private set; }

    public IActionResult OnGet(string publicId, string? locale) => Page();

    /// <summary>Saves the current locale's texts (only those differing from Parley's wording are kept).</summary>
    public async Task<IActionResult> OnPostAsync(string publicId, string? locale, CancellationToken ct)
    {
        foreach (var (key, value) in T)
            if (WidgetTexts.KeySet.Contains(key) && value?.Length > MaxText) ModelState.AddModelError($"T[{key}]", $"Texts are up to {MaxText} characters.");
        if (!ModelState.IsValid)
        {
            Texts = new Texts(Current.Code, T);
            return this.Invalid("_LocalizationTexts", this, "");
        }
        await localization.SaveTextsAsync(Bot, Current.Code, T.Where(t => t.Value is not null).ToDictionary(), ct);
        await LoadAsync(Bot, ct); // the saved texts, as stored
        Saved = true;
        return this.PageOrPartial("_LocalizationTexts", this, "");
    }

    public async Task<IActionResult> OnPostOptionsAsync(string publicId, string? locale, string? defaultLocale, bool matchBrowser, CancellationToken ct)
    {
        if (Locales.All(l => l.Code != defaultLocale))
        {
            ModelState.AddModelError("defaultLocale", "Pick one of the bot's languages.");
            return this.Invalid("_LocalizationOptions", this, "");
        }
        await localization.SaveOptionsAsync(Bot, defaultLocale!, matchBrowser, ct);
        Options = await localization.OptionsAsync(Bot.Id, ct);
        OptionsMessage = "Saved.";
        return this.PageOrPartial("_LocalizationOptions", this, "");
    }

    public async Task<IActionResult> OnPostAddAsync(string publicId, string? code, CancellationToken ct)
    {
        var normalized = WidgetTexts.Normalize(code);
        AddError = normalized is null ? "Enter a language code such as fr, de, pt-BR or he."
            : Locales.Any(l => string.Equals(l.Code, normalized, StringComparison.OrdinalIgnoreCase)) ? $"{WidgetTexts.DisplayName(normalized)} is already offered."
            : Locales.Count >= 30 ? "A bot offers at most 30 languages." : null;
        if (AddError is not null) return this.Invalid("_LocalizationOptions", this, "");
        await localization.AddAsync(Bot, normalized!, ct);
        return this.RedirectAfterPost($"/bots/{Bot.PublicId}/settings/localization/{normalized}");
    }

    public async Task<IActionResult> OnPostRemoveAsync(string publicId, string? locale, CancellationToken ct)
    {
        if (!Current.Shipped && Current.Code == Options.DefaultLocale)
        {
            AddError = "This is the default language; choose another default first.";
            return this.Invalid("_LocalizationOptions", this, "");
        }
        await localization.RemoveAsync(Bot, Current.Code, ct);
        return this.RedirectAfterPost($"/bots/{Bot.PublicId}/settings/localization{(Current.Shipped ? "/" + Current.Code : "")}");
    }

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        var locale = Route("locale");
        Options = await localization.OptionsAsync(bot.Id, ct);
        Locales = await localization.LocalesAsync(bot.Id, ct);
        var code = locale ?? Options.DefaultLocale;
        if (Locales.FirstOrDefault(l => string.Equals(l.Code, code, StringComparison.OrdinalIgnoreCase)) is not { } current) return NotFound();
        Current = current;
        Texts = new Texts(current.Code, current.Custom?.Texts);
        Look = await PreviewLook.LoadAsync(settings, bot, Infrastructure.Tenancy.TenantHosts.RootUrl(options.Value), ct);
        return null;
    }
}
