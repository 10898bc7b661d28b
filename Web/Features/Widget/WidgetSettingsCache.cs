using Microsoft.Extensions.Caching.Memory;
using Parley.Features.Bots;

namespace Parley.Features.Widget;

/// <summary>Everything the widget reads of a bot's settings, as one snapshot (shared between requests: read only).</summary>
public sealed record WidgetSettings(
    BotSettings.BotAppearance Look, BotSettings.BotBehavior Behave, IReadOnlyList<BotSettings.ConversationStarter> FollowUpPrompts,
    HumanSupport.HumanSupportSettings Support, Localization.BotLocalization Languages, IReadOnlyList<Localization.OfferedLocale> Locales);

/// <summary>
/// The widget's settings per bot, kept in memory and reloaded when the bot's <see cref="Chatbot.SettingsVersion"/>
/// moves (every settings save moves it, in the same database every instance reads), so a widget request that finds
/// the bot needs no further query for its settings, and no instance shows settings older than the bot row it read.
/// </summary>
public sealed class WidgetSettingsCache : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    private sealed record Entry(long Version, WidgetSettings Settings);

    public async Task<WidgetSettings> GetAsync(Chatbot bot, Func<Task<WidgetSettings>> load)
    {
        var key = ("widget-settings", bot.Id);
        if (cache.TryGetValue(key, out Entry? entry) && entry!.Version == bot.SettingsVersion) return entry.Settings;
        var settings = await load();
        cache.Set(key, new Entry(bot.SettingsVersion, settings), new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10), Size = 1 });
        return settings;
    }

    public void Dispose() => cache.Dispose();
}
