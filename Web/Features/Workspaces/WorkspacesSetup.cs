using Parley.Features.Plans;

namespace Parley.Features.Workspaces;

public static class WorkspacesSetup
{
    public static IHostApplicationBuilder AddWorkspaces(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<WorkspaceService>();
        builder.Services.AddScoped<PlanLimitsReader>();
        builder.Services.AddScoped<PlanGuard>();
        return builder;
    }
}
