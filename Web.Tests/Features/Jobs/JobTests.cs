using Microsoft.Extensions.Logging;
using Parley.Infrastructure.Jobs;
using Quartz;

namespace Parley.Tests.Features.Jobs;

/// <summary>Writes what it saw inside its tenant scope, so the test can tell the tenant was set.</summary>
public sealed class MarkerJob(IServiceScopeFactory scopes, ILogger<MarkerJob> log) : TenantJob(scopes, log)
{
    protected override async Task ExecuteForTenant(IJobExecutionContext context, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var tenant = services.GetRequiredService<Parley.Infrastructure.Tenancy.ITenantContext>().Tenant!;
        var members = await db.Memberships.CountAsync(ct);
        await File.WriteAllTextAsync(context.MergedJobDataMap.GetString("marker")!, $"{tenant.Slug}:{members}", ct);
    }
}

public abstract class JobTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Job_scheduled_before_a_restart_runs_after_it_inside_its_tenant()
    {
        var ws = await app.SignUpAsync();
        var marker = Path.Combine(Path.GetTempPath(), $"parley-marker-{Guid.NewGuid():n}.txt");
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var job = JobBuilder.Create<MarkerJob>().WithIdentity($"marker-{Guid.NewGuid():n}")
            .UsingJobData(TenantJob.TenantKey, ws.TenantId.ToString()).UsingJobData("marker", marker).Build();
        // Fires after this instance is gone; only the durable store can carry it to the next one.
        await scheduler.ScheduleJob(job, TriggerBuilder.Create().StartAt(DateTimeOffset.UtcNow.AddSeconds(4)).Build());
        await scheduler.Standby();

        await using var restarted = app.Twin();
        await restarted.InitializeAsync();
        for (var i = 0; i < 200 && !File.Exists(marker); i++) await Task.Delay(100);
        Assert.True(File.Exists(marker), "The job scheduled before the restart did not run after it.");
        await Task.Delay(100);
        Assert.Equal($"{ws.Slug}:1", await File.ReadAllTextAsync(marker));
        File.Delete(marker);
        await scheduler.Start();
    }
}

public sealed class JobTests_Sqlite(SqliteApp app) : JobTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class JobTests_Postgres(PostgresApp app) : JobTests<PostgresApp>(app);
