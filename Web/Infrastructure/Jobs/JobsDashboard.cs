using Hangfire;
using Hangfire.Dashboard;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Jobs;

/// <summary>
/// Hangfire's dashboard at /operations/jobs on the root host, for platform operators only; everyone else (anonymous,
/// members, any workspace host) gets a plain 404, as if nothing were there.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/operations/jobs";
    private const string Allowed = "parley:operator";

    public static WebApplication UseJobsDashboard(this WebApplication app)
    {
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (ctx, next) =>
        {
            if (!await IsOperatorAsync(ctx))
            {
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            ctx.Items[Allowed] = true;
            // The dashboard's own pages carry inline script; it is served to operators only, never framed.
            ctx.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
            await next(ctx);
        }));
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new OperatorsOnly()], AppPath = "/", DashboardTitle = "Parley jobs", DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());
        return app;
    }

    private static async Task<bool> IsOperatorAsync(HttpContext ctx)
    {
        if (ctx.RequestServices.GetRequiredService<ITenantContext>().TenantId is not null) return false; // root host only
        return await Security.PlatformOperators.IsOperatorAsync(ctx);
    }

    private sealed class OperatorsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().Items.ContainsKey(Allowed);
    }
}
