namespace Parley.Features.Team;

public static class TeamSetup
{
    public static IHostApplicationBuilder AddTeam(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InvitationOptions>().BindConfiguration(InvitationOptions.Section);
        builder.Services.AddScoped<TeamService>();
        return builder;
    }
}
