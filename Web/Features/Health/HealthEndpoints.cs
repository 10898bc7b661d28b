using Microsoft.Extensions.Diagnostics.HealthChecks;
using Hangfire;

namespace Parley.Features.Health;

public static class HealthEndpoints
{
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: ["ready"])
            .AddCheck<JobStoreCheck>("jobs", tags: ["ready"]);
        return builder;
    }

    /// <summary>/healthz says the process is alive; /readyz that the database and the job store answer.</summary>
    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new()
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = async (ctx, report) =>
            {
                ctx.Response.ContentType = "application/json";
                // The outside world (and a load balancer) learns only up or down; what failed is for this machine and operators.
                if (!await MaySeeDetailsAsync(ctx))
                {
                    await ctx.Response.WriteAsJsonAsync(new { status = report.Status.ToString() });
                    return;
                }
                await ctx.Response.WriteAsJsonAsync(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
                });
            },
        });
    }

    private static async Task<bool> MaySeeDetailsAsync(HttpContext ctx)
    {
        if (ctx.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip)) return true;
        return await Infrastructure.Security.PlatformOperators.IsOperatorAsync(ctx);
    }

    private sealed class DatabaseCheck(AppDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await db.Plans.AnyAsync(ct);
                return HealthCheckResult.Healthy("The database answers and the schema is applied.");
            }
            catch (Exception e) { return HealthCheckResult.Unhealthy("The database does not answer.", e); }
        }
    }

    private sealed class JobStoreCheck(JobStorage storage, Microsoft.Extensions.Options.IOptions<Infrastructure.Jobs.JobsOptions> jobs) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                var servers = storage.GetMonitoringApi().Servers(); // reads the persistent store
                if (jobs.Value.RunServer && servers.Count == 0) return Task.FromResult(HealthCheckResult.Unhealthy("No job server is running."));
                return Task.FromResult(HealthCheckResult.Healthy($"The job store answers; {servers.Count} job server{(servers.Count == 1 ? "" : "s")} running."));
            }
            catch (Exception e) { return Task.FromResult(HealthCheckResult.Unhealthy("The job store does not answer.", e)); }
        }
    }
}
