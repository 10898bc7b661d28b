using Microsoft.Extensions.Options;
using Parley.Features.Plans;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Tenancy;
using Hangfire;

namespace Parley.Features.Knowledge.Sources;

/// <summary>
/// Every few seconds, and at start: re-queues sources whose run stopped (host stopped or died: the lease lapsed)
/// or whose retry is due, and queues website re-syncs that are due on the plan's schedule; never a second job for a
/// source that has one queued.
/// </summary>
public sealed class IngestionSweepJob(TenantScopes tenants, IBackgroundJobClient jobs, TimeProvider clock)
{
    public const string Id = "ingestion.sweep";

    /// <summary>One sweep at a time across every instance (a second waits a few seconds, then gives up: the next one comes soon).</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 5), JobDisplayName("Ingestion sweep")]
    public async Task RunAsync(CancellationToken ct) =>
        await tenants.ForEachAsync(Id, async (sp, token) =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var tenantId = sp.GetRequiredService<ITenantContext>().TenantId!.Value;
            var now = clock.GetUtcNow();
            var stalled = await db.Sources
                .Where(s => !s.Excluded && s.Status != SourceStatus.Ready && s.Status != SourceStatus.Failed
                            && (s.LeaseUntil == null || s.LeaseUntil < now) && (s.NextAttemptAt == null || s.NextAttemptAt <= now))
                .Select(s => s.Id).ToListAsync(token);
            foreach (var id in stalled) await IngestionJob.QueueAsync(db, jobs, clock, tenantId, id, null, token);

            var period = SyncPeriod((await sp.GetRequiredService<PlanLimitsReader>().LimitsAsync(token)).AutoSync);
            if (period is null) return;
            var due = now - period.Value;
            var resync = await db.Sources
                .Where(s => s.AutoSync && !s.Excluded && (s.Kind == SourceKind.Website || s.Kind == SourceKind.Sitemap)
                            && s.Status == SourceStatus.Ready && s.LastSyncedAt < due)
                .ToListAsync(token);
            foreach (var source in resync)
            {
                source.Status = SourceStatus.Queued;
                db.IngestionEvents.Add(new IngestionEvent { SourceId = source.Id, At = now, Step = SourceStatus.Queued, Message = "Scheduled re-sync: checking the site for changes." });
            }
            await db.SaveChangesAsync(token);
            foreach (var source in resync) await IngestionJob.QueueAsync(db, jobs, clock, tenantId, source.Id, null, token);
        }, ct);

    public static TimeSpan? SyncPeriod(SyncFrequency frequency) => frequency switch
    {
        SyncFrequency.Daily => TimeSpan.FromDays(1),
        SyncFrequency.Weekly => TimeSpan.FromDays(7),
        SyncFrequency.Monthly => TimeSpan.FromDays(30),
        _ => null,
    };
}

/// <summary>Sweeps as soon as the app has started, so runs stopped by the last shutdown resume without waiting for the interval.</summary>
public sealed class IngestionLifecycle(IBackgroundJobClient jobs, IHostApplicationLifetime lifetime, ILogger<IngestionLifecycle> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            try { jobs.Enqueue<IngestionSweepJob>(j => j.RunAsync(CancellationToken.None)); }
            catch (Exception e) { log.LogWarning(e, "The start-up ingestion sweep could not be queued"); }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
