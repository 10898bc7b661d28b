namespace Parley.Features.Localization;

/// <summary>The widget's languages and texts.</summary>
public static class LocalizationSetup
{
    public static IHostApplicationBuilder AddLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<LocalizationService>();
        return builder;
    }
}
