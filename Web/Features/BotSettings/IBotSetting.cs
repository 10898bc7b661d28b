namespace Parley.Features.BotSettings;

/// <summary>A row of a bot's settings: saving one moves the bot's <see cref="Bots.Chatbot.SettingsVersion"/>.</summary>
public interface IBotSetting
{
    Guid ChatbotId { get; }
}
