namespace Parley.Features.Bots;

/// <summary>Bots: who sees which, and their life cycle.</summary>
public static class BotsSetup
{
    public static IHostApplicationBuilder AddBots(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<Unanswered.UnansweredService>();
        builder.Services.AddScoped<BotAccess>();
        builder.Services.AddScoped<BotService>();
        return builder;
    }
}
