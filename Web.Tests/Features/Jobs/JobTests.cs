using Hangfire;
using Parley.Infrastructure.Jobs;

namespace Parley.Tests.Features.Jobs;

/// <summary>Writes what it saw of its workspace (entered by infrastructure from the job's parameter), so the test can tell the tenant was set.</summary>
public sealed class MarkerJob(AppDbContext db, Parley.Infrastructure.Tenancy.ITenantContext tenant)
{
    public async Task RunAsync(string marker, CancellationToken ct)
    {
        var members = await db.Memberships.CountAsync(ct);
        await File.WriteAllTextAsync(marker, $"{tenant.Tenant!.Slug}:{members}:{Guid.NewGuid():N}\n", ct);
    }

    /// <summary>Adds a line per run, so two runs of one job would show.</summary>
    public async Task CountAsync(string file, int n, CancellationToken ct)
    {
        await File.AppendAllTextAsync(file + $".{n}-{Guid.NewGuid():N}", "", ct);
        await Task.Delay(50, ct);
    }
}

public abstract class JobTests<TApp> where TApp : ParleyApp, new()
{
    [Fact]
    public async Task Job_scheduled_before_a_restart_runs_after_it_inside_its_tenant()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"parley-marker-{Guid.NewGuid():n}.txt");
        // The owner keeps the database for the test and runs no jobs itself.
        await using var owner = new TApp { Settings = new() { ["Parley:Jobs:RunServer"] = "false" } };
        await owner.InitializeAsync();
        var first = owner.Twin();
        first.Settings["Parley:Jobs:RunServer"] = "true";
        await first.InitializeAsync();
        var ws = await first.SignUpAsync();
        // Due after this instance is gone; only the durable store can carry it to the next one.
        TenantJobs.Enqueue<MarkerJob>(first.Services.GetRequiredService<IBackgroundJobClient>(), ws.TenantId, j => j.RunAsync(marker, CancellationToken.None), DateTimeOffset.UtcNow.AddSeconds(3));
        await first.DisposeAsync();
        await using var restarted = owner.Twin();
        restarted.Settings["Parley:Jobs:RunServer"] = "true";
        await restarted.InitializeAsync();
        for (var i = 0; i < 200 && !File.Exists(marker); i++) await Task.Delay(100);
        Assert.True(File.Exists(marker), "The job scheduled before the restart did not run after it.");
        await Task.Delay(100);
        Assert.StartsWith($"{ws.Slug}:1:", await File.ReadAllTextAsync(marker));
        File.Delete(marker);
    }

    [Fact]
    public async Task Apps_on_different_databases_keep_their_jobs_apart()
    {
        await using var x = new TApp();
        await x.InitializeAsync();
        await using var y = new TApp();
        await y.InitializeAsync();
        var marker = Path.Combine(Path.GetTempPath(), "never");
        TenantJobs.Enqueue<MarkerJob>(x.Services.GetRequiredService<IBackgroundJobClient>(), Guid.Empty, j => j.RunAsync(marker, CancellationToken.None), DateTimeOffset.UtcNow.AddHours(1));
        Assert.NotSame(x.Services.GetRequiredService<JobStorage>(), y.Services.GetRequiredService<JobStorage>());
        Assert.Equal(1, x.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledCount());
        Assert.Equal(0, y.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledCount());

        // And each runs its jobs with its own services: a job of X's finds X's workspace (from Y's it would be skipped).
        foreach (var (app, name) in new[] { (x, "x"), (y, "y"), (x, "x2") })
        {
            var ws = await app.SignUpAsync();
            var file = Path.Combine(Path.GetTempPath(), $"parley-own-{name}-{Guid.NewGuid():n}.txt");
            TenantJobs.Enqueue<MarkerJob>(app.Services.GetRequiredService<IBackgroundJobClient>(), ws.TenantId, j => j.RunAsync(file, CancellationToken.None));
            for (var i = 0; i < 300 && !File.Exists(file); i++) await Task.Delay(100);
            Assert.True(File.Exists(file), $"The job queued on {name} did not run inside {name}'s workspace.");
            await Task.Delay(100);
            Assert.StartsWith($"{ws.Slug}:", await File.ReadAllTextAsync(file));
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_suspended_workspace_s_job_is_skipped_and_runs_for_none()
    {
        await using var app = new TApp();
        await app.InitializeAsync();
        var ws = await app.SignUpAsync();
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Id == ws.TenantId)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, Parley.Features.Workspaces.TenantStatus.Suspended)));
        var skipped = Path.Combine(Path.GetTempPath(), $"parley-skipped-{Guid.NewGuid():n}.txt");
        var id = TenantJobs.Enqueue<MarkerJob>(app.Services.GetRequiredService<IBackgroundJobClient>(), ws.TenantId, j => j.RunAsync(skipped, CancellationToken.None));
        var monitor = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        for (var i = 0; i < 200 && monitor.JobDetails(id).History.Count < 3; i++) await Task.Delay(100);
        var states = monitor.JobDetails(id).History.Select(h => h.StateName).ToList();
        Assert.Contains("Processing", states);
        Assert.DoesNotContain("Failed", states);
        Assert.False(File.Exists(skipped), "A suspended workspace's job ran.");
    }

    [Fact]
    public async Task Two_instances_on_one_store_run_each_job_once()
    {
        await using var a = new TApp();
        await a.InitializeAsync();
        await using var b = a.Twin();
        await b.InitializeAsync();
        var file = Path.Combine(Path.GetTempPath(), $"parley-once-{Guid.NewGuid():n}");
        var jobs = a.Services.GetRequiredService<IBackgroundJobClient>();
        for (var n = 0; n < 20; n++)
        {
            var k = n;
            jobs.Enqueue<MarkerJob>(j => j.CountAsync(file, k, CancellationToken.None));
        }
        string[] runs = [];
        for (var i = 0; i < 150 && runs.Length < 20; i++)
        {
            await Task.Delay(100);
            runs = Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(file) + ".*");
        }
        await Task.Delay(1500); // time for a second run of anything to show
        runs = Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(file) + ".*");
        var perJob = runs.Select(r => Path.GetFileName(r).Split('.')[1].Split('-')[0]).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        foreach (var r in runs) File.Delete(r);
        Assert.Equal(20, perJob.Count);
        Assert.All(perJob, p => Assert.Equal(1, p.Value));
    }
}

public sealed class JobTests_Sqlite : JobTests<SqliteApp>;

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class JobTests_Postgres : JobTests<PostgresApp>;
