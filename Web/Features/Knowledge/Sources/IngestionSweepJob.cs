using Microsoft.Extensions.Options;
using Parley.Features.Plans;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Tenancy;
using Quartz;

namespace Parley.Features.Knowledge.Sources;

/// <summary>
/// Every few seconds, and at start: re-queues sources whose run stopped (host stopped or died: the lease lapsed)
/// or whose retry is due, and queues website re-syncs that are due on the plan's schedule.
/// </summary>
[DisallowConcurrentExecution]
public sealed class IngestionSweepJob(TenantScopes tenants, TimeProvider clock) : IJob
{
    public static readonly JobKey Key = new("ingestion.sweep");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        await tenants.ForEachAsync(Key.Name, async (sp, token) =>
        {
            var scheduler = context.Scheduler;
            var db = sp.GetRequiredService<AppDbContext>();
            var tenantId = sp.GetRequiredService<ITenantContext>().TenantId!.Value;
            var now = clock.GetUtcNow();
            var stalled = await db.Sources
                .Where(s => !s.Excluded && s.Status != SourceStatus.Ready && s.Status != SourceStatus.Failed
                            && (s.LeaseUntil == null || s.LeaseUntil < now) && (s.NextAttemptAt == null || s.NextAttemptAt <= now))
                .Select(s => s.Id).ToListAsync(token);
            foreach (var id in stalled) await IngestionJob.EnqueueAsync(scheduler, tenantId, id, token);

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
            foreach (var source in resync) await IngestionJob.EnqueueAsync(scheduler, tenantId, source.Id, token);
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
public sealed class IngestionLifecycle(ISchedulerFactory factory, IHostApplicationLifetime lifetime, ILogger<IngestionLifecycle> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try { await (await factory.GetScheduler()).TriggerJob(IngestionSweepJob.Key, new JobDataMap()); }
            catch (Exception e) { log.LogWarning(e, "The start-up ingestion sweep could not be triggered"); }
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
