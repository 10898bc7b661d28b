namespace Parley.Features.BotSettings;

/// <summary>A bot's settings screens and their storage.</summary>
public static class BotSettingsSetup
{
    public static IHostApplicationBuilder AddBotSettings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<BotSettingsService>();
        builder.Services.AddScoped<BotIcons>();
        return builder;
    }
}
