using Parley.Features.Audit;

namespace Parley.Features.Team;

public static class TeamSetup
{
    public static IHostApplicationBuilder AddTeam(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InvitationOptions>().BindConfiguration(InvitationOptions.Section);
        builder.Services.AddScoped<TeamService>();
        builder.Services.AddScoped<AuditTrail>();
        builder.Services.AddScoped<Bots.BotAccess>();
        builder.Services.AddScoped<Bots.BotService>();
        return builder;
    }
}
