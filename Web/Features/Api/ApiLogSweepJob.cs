using Hangfire;
using Microsoft.Extensions.Options;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Api;

/// <summary>Daily: each workspace's API request log beyond its keeping time goes, and rate-limit windows older than an hour.</summary>
public sealed class ApiLogSweepJob(TenantScopes tenants, IOptions<ApiOptions> options, TimeProvider clock)
{
    public const string Id = "api.log-sweep";

    [DisableConcurrentExecution(timeoutInSeconds: 60), JobDisplayName("API: request log retention")]
    public async Task RunAsync(CancellationToken ct) => await tenants.ForEachAsync(Id, (sp, token) => SweepAsync(sp, token), ct);

    public async Task SweepAsync(IServiceProvider sp, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var days = options.Value.LogDaysFor(await sp.GetRequiredService<Plans.PlanLimitsReader>().LimitsAsync(ct));
        var now = clock.GetUtcNow();
        var before = now.AddDays(-days);
        await db.ApiRequestLogs.Where(r => r.At < before).ExecuteDeleteAsync(ct);
        var windows = now.AddHours(-1);
        await db.ApiRateWindows.Where(w => w.WindowStart < windows).ExecuteDeleteAsync(ct);
    }
}
