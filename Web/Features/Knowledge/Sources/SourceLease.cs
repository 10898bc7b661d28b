using Parley.Features.Workspaces;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Knowledge.Sources;

/// <summary>Thrown when another run has taken the source over; this run stops without writing more.</summary>
public sealed class LeaseLostException() : Exception("Another run holds this source.");

/// <summary>
/// One run's hold on a source: a fenced lease. It is taken with one conditional write; a heartbeat renews it while the
/// run works (a long extraction or a slow embedding call included); and every write the run makes goes through
/// <see cref="SaveAsync"/>, which checks and extends it inside the write's own transaction. A run whose lease lapsed and
/// was taken by another therefore changes nothing: its next write throws <see cref="LeaseLostException"/>.
/// </summary>
public sealed class SourceLease : IAsyncDisposable
{
    private readonly AppDbContext db;
    private readonly TenantScopes scopes;
    private readonly Tenant tenant;
    private readonly Guid sourceId;
    private readonly TimeSpan length;
    private readonly TimeProvider clock;
    private readonly ILogger log;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private DateTimeOffset current, previous;
    private Task beat = Task.CompletedTask;

    private SourceLease(IServiceProvider services, Guid sourceId, TimeSpan length)
    {
        db = services.GetRequiredService<AppDbContext>();
        scopes = services.GetRequiredService<TenantScopes>();
        tenant = services.GetRequiredService<Infrastructure.Tenancy.ITenantContext>().Tenant!;
        clock = services.GetRequiredService<TimeProvider>();
        log = services.GetRequiredService<ILogger<SourceLease>>();
        (this.sourceId, this.length) = (sourceId, length);
    }

    /// <summary>Milliseconds only, so the lease compares equal after a round trip through either database.</summary>
    private DateTimeOffset Next() => DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().Add(length).ToUnixTimeMilliseconds());

    /// <summary>Takes the source if nobody holds it and it has work to do; null otherwise. The job that asks no longer counts as queued.</summary>
    public static async Task<SourceLease?> TryClaimAsync(IServiceProvider services, Guid sourceId, TimeSpan length, CancellationToken ct)
    {
        var lease = new SourceLease(services, sourceId, length);
        var db = lease.db;
        var now = lease.clock.GetUtcNow();
        await db.Sources.Where(s => s.Id == sourceId && s.JobQueuedAt <= now).ExecuteUpdateAsync(u => u.SetProperty(s => s.JobQueuedAt, (DateTimeOffset?)null), ct);
        lease.current = lease.previous = lease.Next();
        var claimed = await db.Sources
            .Where(s => s.Id == sourceId && !s.Excluded && s.Status != SourceStatus.Ready && s.Status != SourceStatus.Failed
                        && (s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, lease.current).SetProperty(s => s.NextAttemptAt, (DateTimeOffset?)null), ct);
        if (claimed == 0) return null;
        lease.beat = Task.Run(lease.BeatAsync, CancellationToken.None);
        return lease;
    }

    /// <summary>
    /// Saves the tracked changes in one transaction that first extends the lease (or finds another run has it) and
    /// runs <paramref name="statements"/> (set-based writes), inside the execution strategy: on PostgreSQL a transient
    /// failure repeats the whole unit. The new lease value is fixed before the first attempt, so a repeat after a commit
    /// whose answer was lost still finds its own lease. With <paramref name="lockWorkspace"/> the workspace's row is
    /// locked first, for checks of plan limits that other runs and requests must not interleave with.
    /// </summary>
    public async Task SaveAsync(Func<CancellationToken, Task>? statements, CancellationToken ct, bool lockWorkspace = false)
    {
        await gate.WaitAsync(ct);
        try
        {
            var (mine, next) = (current, Next());
            await db.SaveAtomicallyAsync(async token =>
            {
                // The workspace's row first (as PlanGuard takes it), so runs and requests that count plan limits queue in one order.
                if (lockWorkspace) await db.LockTenantAsync(tenant.Id, token);
                if (await db.Sources.Where(s => s.Id == sourceId && (s.LeaseUntil == mine || s.LeaseUntil == next))
                        .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, next), token) == 0)
                    throw new LeaseLostException();
                if (statements is not null) await statements(token);
            }, ct);
            (previous, current) = (current, next);
        }
        finally { gate.Release(); }
    }

    /// <summary>Renews the lease a few times per lease length, from a scope of its own, until the run ends or loses it.</summary>
    private async Task BeatAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(length / 3, clock, stop.Token);
                await gate.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException) { return; }
            try
            {
                var (mine, next) = (current, Next());
                var renewed = await scopes.RunAsync(tenant, sp => sp.GetRequiredService<AppDbContext>().Sources
                    .Where(s => s.Id == sourceId && s.LeaseUntil == mine).ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, next), stop.Token));
                if (renewed == 0) return; // taken over (or released): the run's next write stops it
                (previous, current) = (current, next);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not renew the lease on source {SourceId}", sourceId); // tried again on the next beat
            }
            catch (OperationCanceledException) { return; }
            finally { gate.Release(); }
        }
    }

    /// <summary>Lets the source go at once (the host is stopping), so the next start resumes it. The last renewal may have been rolled back: either value is ours.</summary>
    public async Task ReleaseAsync()
    {
        await StopBeatingAsync();
        db.ChangeTracker.Clear();
        var (mine, before) = (current, previous);
        await db.Sources.Where(s => s.Id == sourceId && (s.LeaseUntil == mine || s.LeaseUntil == before))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
    }

    private async Task StopBeatingAsync()
    {
        if (!stop.IsCancellationRequested) await stop.CancelAsync();
        await beat;
    }

    public async ValueTask DisposeAsync()
    {
        await StopBeatingAsync();
        stop.Dispose();
        gate.Dispose();
    }
}
