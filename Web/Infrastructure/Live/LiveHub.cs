using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Parley.Infrastructure.Live;

/// <summary>What changed: a message was added, a conversation's state changed (status, who answers, assignee), or someone is typing.</summary>
public enum LiveKind { Message, State, Typing }

/// <summary>
/// A change in one conversation, with ids only: receivers re-read what they show under the tenant filter. It goes to the
/// visitor's open widgets, the team's open inboxes, or both; <see cref="OriginTab"/> is the widget tab that caused it
/// (it shows the change already).
/// </summary>
public sealed record LiveEvent(LiveKind Kind, Guid TenantId, Guid ChatbotId, Guid ConversationId, Guid VisitorId, bool ToVisitor, bool ToTeam, string? OriginTab = null)
{
    public string? OriginTab { get; init; } = OriginTab is { Length: > 0 and <= 64 } ? OriginTab : null;
}

/// <summary>
/// The streams open on this instance, by key (a visitor's id for their widgets, a workspace's id for its inboxes), in
/// eShop's shape: a singleton callers subscribe to. Events reach it from <see cref="LiveRelay"/> (committed changes, from
/// the outbox) and from <see cref="PublishNowAsync"/> (typing, which changes nothing stored). On PostgreSQL every event
/// goes through NOTIFY so every instance hears it (<see cref="LiveListener"/>); on the embedded SQLite default, one
/// instance, it is delivered here directly.
/// </summary>
public sealed class LiveHub(IOptions<DatabaseOptions> database, ILogger<LiveHub> log)
{
    public const string Channel = "parley_live";
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Channel<LiveEvent>>> streams = new();
    private int open;

    public int OpenStreams => Volatile.Read(ref open);
    public bool Shared => database.Value.Provider == DatabaseProvider.Postgres;

    public (Guid Id, ChannelReader<LiveEvent> Events) Subscribe(Guid key)
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var id = Guid.NewGuid();
        streams.GetOrAdd(key, _ => new())[id] = channel;
        Interlocked.Increment(ref open);
        return (id, channel.Reader);
    }

    public void Unsubscribe(Guid key, Guid id)
    {
        if (streams.TryGetValue(key, out var subs) && subs.TryRemove(id, out var channel))
        {
            channel.Writer.TryComplete();
            Interlocked.Decrement(ref open);
            if (subs.IsEmpty) streams.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Guid, Channel<LiveEvent>>>(key, subs));
        }
    }

    /// <summary>Publishes events to every instance: NOTIFY on PostgreSQL (one round trip for the batch), or straight to this instance's streams.</summary>
    public async Task PublishAsync(IReadOnlyList<LiveEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        if (!Shared)
        {
            foreach (var e in events) Deliver(e);
            return;
        }
        await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
        await connection.OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var e in events)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify(@channel, @payload)")
                { Parameters = { new("channel", Channel), new("payload", JsonSerializer.Serialize(e)) } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>For what is never stored (typing): published at once; a failure costs only the indicator.</summary>
    public async Task PublishNowAsync(LiveEvent e, CancellationToken ct = default)
    {
        try { await PublishAsync([e], ct); }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            log.LogDebug(ex, "Could not announce a {Kind} event", e.Kind);
        }
    }

    /// <summary>Hands an event to the streams connected to this instance that it is for.</summary>
    public void Deliver(LiveEvent e)
    {
        if (e.ToVisitor) Write(e.VisitorId, e);
        if (e.ToTeam) Write(e.TenantId, e);
    }

    private void Write(Guid key, LiveEvent e)
    {
        if (!streams.TryGetValue(key, out var subs)) return;
        foreach (var channel in subs.Values) channel.Writer.TryWrite(e);
    }
}

/// <summary>On PostgreSQL: LISTENs on the live channel on a connection of its own and delivers what it hears; reconnects after a failure.</summary>
public sealed class LiveListener(LiveHub hub, IOptions<DatabaseOptions> database, ILogger<LiveListener> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (database.Value.Provider != DatabaseProvider.Postgres) return;
        var cs = new NpgsqlConnectionStringBuilder(database.Value.ConnectionString) { ApplicationName = "parley-live", Pooling = false, KeepAlive = 30 }.ConnectionString;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(cs);
                await connection.OpenAsync(stopping);
                connection.Notification += (_, n) =>
                {
                    try { if (JsonSerializer.Deserialize<LiveEvent>(n.Payload) is { } e) hub.Deliver(e); }
                    catch (JsonException ex) { log.LogWarning(ex, "Ignored a live event that could not be read"); }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {LiveHub.Channel}", connection)) await listen.ExecuteNonQueryAsync(stopping);
                while (!stopping.IsCancellationRequested) await connection.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                log.LogWarning(ex, "The live listener lost its connection; reconnecting");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
