using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

/// <summary>
/// How the bot's widget looks as saved on the Appearance screen (name, colours, font size, dark mode, icon), so the
/// previews on the other settings screens show the customer's widget rather than Parley's colours.
/// </summary>
public sealed record PreviewLook(string Name, string Brand, string Text, int FontSize, bool Dark, string? IconUrl, string Welcome, string Disclaimer)
{
    public string Initial => Name[..1].ToUpperInvariant();
    /// <summary>The inline style of a part drawn in the brand colour.</summary>
    public string BrandStyle => $"background:{Brand};color:{Text}";
    public string Surface => Dark ? "bg-slate-900 text-slate-100" : "bg-white text-slate-800";

    public static async Task<PreviewLook> LoadAsync(BotSettingsService settings, Chatbot bot, string rootUrl, CancellationToken ct)
    {
        var look = await settings.AppearanceAsync(bot.Id, ct);
        var behave = await settings.BehaviorAsync(bot.Id, ct);
        return new(look.DisplayName ?? bot.Name, look.BrandColor, look.BrandTextColor, look.FontSize, look.DarkMode, BotIcons.Url(rootUrl, bot.PublicId, look, IconKind.Bot),
            look.WelcomeMessage, behave.Disclaimer);
    }
}
