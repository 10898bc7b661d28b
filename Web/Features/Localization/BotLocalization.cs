using System.Text.Json;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Localization;

/// <summary>A bot's language options: the locale visitors get when theirs is not offered, and whether the browser's language is followed.</summary>
public class BotLocalization : ITenantOwned, Features.BotSettings.IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public string DefaultLocale { get; set; } = WidgetTexts.English;
    public bool MatchBrowser { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A bot's own wording in one locale (seed 000's chatbot_settings_localization_texts): a locale it added, or its changes to a shipped one.</summary>
public class BotLocale : ITenantOwned, Features.BotSettings.IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public required string Locale { get; set; }
    /// <summary>Texts by key, only those the bot changed from the shipped ones.</summary>
    public string TextsJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Dictionary<string, string> Texts
    {
        get => JsonSerializer.Deserialize<Dictionary<string, string>>(TextsJson) ?? [];
        set => TextsJson = JsonSerializer.Serialize(value);
    }
}
