namespace Parley.Features.Widget;

/// <summary>The chat widget served to visitors.</summary>
public static class WidgetSetup
{
    public static IHostApplicationBuilder AddWidget(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Chat.WidgetRateLimits>();
        builder.Services.AddSingleton<WidgetSettingsCache>();
        return builder;
    }
}
