using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Parley.Infrastructure.Live;

public enum LiveEventState { NotPublished, InProgress, Published, PublishedFailed }

/// <summary>
/// A live event waiting to be published (eShop's IntegrationEventLogEntry): written in the same SaveChanges as the
/// change it announces, so an event exists exactly when its change committed, and published afterwards by
/// <see cref="LiveRelay"/>. Shared: the relay publishes every workspace's events.
/// </summary>
public class LiveOutboxEvent
{
    public long Id { get; set; }
    public Guid EventId { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public string EventType { get; set; } = "";
    public string Content { get; set; } = "";
    public LiveEventState State { get; set; }
    public int TimesSent { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The relay run that took it, and until when; another instance leaves it alone until then.</summary>
    public Guid? ClaimToken { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>Adds live events to the request's unit of work: they are saved with the change and published after it commits.</summary>
public sealed class LiveEvents(AppDbContext db, TimeProvider clock)
{
    public void Raise(LiveEvent e) => db.LiveOutbox.Add(new LiveOutboxEvent
    {
        TenantId = e.TenantId, EventType = e.Kind.ToString(), Content = JsonSerializer.Serialize(e), CreatedAt = clock.GetUtcNow(),
    });
}

/// <summary>Wakes this instance's relay when a change with live events committed here; its poll catches everything else.</summary>
public sealed class LiveRelaySignal
{
    private readonly SemaphoreSlim signal = new(0, 1);
    public void Poke() { try { signal.Release(); } catch (SemaphoreFullException) { } }
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}

/// <summary>Pokes the relay once a save carrying live events has committed (at once without a transaction, else at its commit).</summary>
internal sealed class LiveOutboxInterceptor(LiveRelaySignal signal) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, object> Pending = new();

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Mark(data.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData data, InterceptionResult<int> result)
    {
        Mark(data.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData data, int result, CancellationToken ct = default)
    {
        Saved(data.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData data, int result)
    {
        Saved(data.Context);
        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData data, CancellationToken ct = default)
    {
        Committed(data.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData data) => Committed(data.Context);

    private static void Mark(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<LiveOutboxEvent>().Any(e => e.State == EntityState.Added))
            Pending.AddOrUpdate(context, true);
    }

    private void Saved(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null) Committed(context);
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && Pending.Remove(context)) signal.Poke();
    }
}

/// <summary>
/// Publishes the outbox on every instance: at once when this instance committed events (poked), and every couple of
/// seconds for the rest. A batch is claimed with one conditional write, so two instances never publish the same event;
/// an event whose publisher died is taken again when its claim lapses, and given up (kept, marked failed) after five tries.
/// Published events are deleted after an hour.
/// </summary>
public sealed class LiveRelay(IServiceScopeFactory scopes, LiveHub hub, LiveRelaySignal signal, TimeProvider clock, ILogger<LiveRelay> log) : BackgroundService
{
    private static readonly TimeSpan Claim = TimeSpan.FromSeconds(30);
    private DateTimeOffset nextCleanup;
    /// <summary>SQLite only: the newest event this instance delivered and has not yet marked published.</summary>
    private long deliveredUpTo;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                while (await PublishBatchAsync(stopping) > 0) { }
                if (clock.GetUtcNow() >= nextCleanup) await CleanupAsync(stopping);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                log.LogWarning(e, "Publishing live events failed; trying again shortly");
            }
            try { await signal.WaitAsync(TimeSpan.FromSeconds(2), stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Publishes up to one batch of waiting events, oldest first; returns how many it claimed.</summary>
    public async Task<int> PublishBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (!hub.Shared) return await PublishHereAsync(db, ct);
        var now = clock.GetUtcNow();
        var due = await db.LiveOutbox.AsNoTracking()
            .Where(x => x.State == LiveEventState.NotPublished || (x.State == LiveEventState.InProgress && x.LockedUntil < now))
            .OrderBy(x => x.Id).Select(x => x.Id).Take(100).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var token = Guid.NewGuid();
        var until = now + Claim;
        await db.LiveOutbox.Where(x => due.Contains(x.Id) && (x.State == LiveEventState.NotPublished || (x.State == LiveEventState.InProgress && x.LockedUntil < now)))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, LiveEventState.InProgress).SetProperty(x => x.ClaimToken, token)
                .SetProperty(x => x.LockedUntil, until).SetProperty(x => x.TimesSent, x => x.TimesSent + 1), ct);
        var claimed = await db.LiveOutbox.AsNoTracking().Where(x => x.ClaimToken == token).OrderBy(x => x.Id).ToListAsync(ct);
        if (claimed.Count == 0) return due.Count; // another instance took them; look again
        var events = Read(claimed);
        try
        {
            await hub.PublishAsync(events, ct);
            await db.LiveOutbox.Where(x => x.ClaimToken == token).ExecuteUpdateAsync(u => u.SetProperty(x => x.State, LiveEventState.Published).SetProperty(x => x.LockedUntil, (DateTimeOffset?)null), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Could not publish {Count} live events; they are tried again", claimed.Count);
            await db.LiveOutbox.Where(x => x.ClaimToken == token && x.TimesSent >= 5)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, LiveEventState.PublishedFailed), CancellationToken.None);
            return 0;
        }
        return claimed.Count;
    }

    /// <summary>
    /// The embedded SQLite default is one instance: no other relay can take the events, and SQLite has a single writer, so
    /// a write here would make the visitor's or agent's next save wait. Events are delivered in id order (ids follow
    /// commit order with one writer) and remembered as delivered in memory; they are marked published in one statement
    /// at the next cleanup. After a restart the unmarked ones are delivered once more, which the streams tolerate (each
    /// page fetches only what it does not show yet).
    /// </summary>
    private async Task<int> PublishHereAsync(AppDbContext db, CancellationToken ct)
    {
        var after = deliveredUpTo;
        var rows = await db.LiveOutbox.AsNoTracking().Where(x => x.State == LiveEventState.NotPublished && x.Id > after)
            .OrderBy(x => x.Id).Take(100).ToListAsync(ct);
        if (rows.Count == 0) return 0;
        await hub.PublishAsync(Read(rows), ct);
        deliveredUpTo = rows[^1].Id;
        return rows.Count;
    }

    /// <summary>The events the rows carry; a row that cannot be read is logged and skipped (it is marked like the rest).</summary>
    private List<LiveEvent> Read(IEnumerable<LiveOutboxEvent> rows)
    {
        var events = new List<LiveEvent>();
        foreach (var row in rows)
        {
            try { if (JsonSerializer.Deserialize<LiveEvent>(row.Content) is { } e) events.Add(e); }
            catch (JsonException ex) { log.LogWarning(ex, "Live event {EventId} could not be read", row.EventId); }
        }
        return events;
    }

    private async Task CleanupAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var before = clock.GetUtcNow().AddHours(-1);
        var upTo = deliveredUpTo;
        if (!hub.Shared && upTo > 0)
            await db.LiveOutbox.Where(x => x.State == LiveEventState.NotPublished && x.Id <= upTo)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, LiveEventState.Published).SetProperty(x => x.TimesSent, x => x.TimesSent + 1), ct);
        await db.LiveOutbox.Where(x => x.State == LiveEventState.Published && x.CreatedAt < before).ExecuteDeleteAsync(ct);
        nextCleanup = clock.GetUtcNow().AddSeconds(hub.Shared ? 300 : 10);
    }
}

public static class LiveSetup
{
    public static IHostApplicationBuilder AddParleyLive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveHub>();
        builder.Services.AddSingleton<LiveRelaySignal>();
        builder.Services.AddSingleton<IInterceptor, LiveOutboxInterceptor>();
        builder.Services.AddScoped<LiveEvents>();
        builder.Services.AddHostedService<LiveListener>();
        builder.Services.AddHostedService<LiveRelay>();
        return builder;
    }
}
