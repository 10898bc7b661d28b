namespace Parley.Features.Workspaces;

public static class WorkspacesSetup
{
    public static IHostApplicationBuilder AddWorkspaces(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<WorkspaceService>();
        return builder;
    }
}
