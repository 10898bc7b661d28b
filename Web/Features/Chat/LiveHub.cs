using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Infrastructure;

namespace Parley.Features.Chat;

/// <summary>A message was added to a visitor's conversation; <see cref="OriginTab"/> is the widget tab that caused it (it has it already).</summary>
public sealed record LiveEvent(Guid TenantId, Guid VisitorId, Guid ConversationId, long MessageId, string? OriginTab);

/// <summary>
/// Pushes new messages to every open widget of a visitor (their other tabs now; agents' replies with the live inbox),
/// whichever instance the widget is connected to. On PostgreSQL an event is a NOTIFY on <see cref="Channel"/> that every
/// instance LISTENs to (<see cref="LiveListener"/>) and hands to the streams connected to it; the embedded SQLite
/// default is a single instance, so events go straight to its streams.
/// </summary>
public sealed class LiveHub(IOptions<DatabaseOptions> database, ILogger<LiveHub> log)
{
    public const string Channel = "parley_live";
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Channel<LiveEvent>>> visitors = new();
    private int open;

    public int OpenStreams => Volatile.Read(ref open);
    private bool Shared => database.Value.Provider == DatabaseProvider.Postgres;

    public (Guid Id, ChannelReader<LiveEvent> Events) Subscribe(Guid visitorId)
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var id = Guid.NewGuid();
        visitors.GetOrAdd(visitorId, _ => new())[id] = channel;
        Interlocked.Increment(ref open);
        return (id, channel.Reader);
    }

    public void Unsubscribe(Guid visitorId, Guid id)
    {
        if (visitors.TryGetValue(visitorId, out var subs) && subs.TryRemove(id, out var channel))
        {
            channel.Writer.TryComplete();
            Interlocked.Decrement(ref open);
            if (subs.IsEmpty) visitors.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Guid, Channel<LiveEvent>>>(visitorId, subs));
        }
    }

    /// <summary>
    /// Announces a message stored (call after the save commits). On PostgreSQL through the database, so every instance
    /// hears it; a failed announcement is logged and costs only the live push (the message is stored and shows on reload).
    /// </summary>
    public async Task PublishAsync(LiveEvent e, CancellationToken ct = default)
    {
        if (!Shared)
        {
            Deliver(e);
            return;
        }
        try
        {
            await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
            await connection.OpenAsync(ct);
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", JsonSerializer.Serialize(e));
            await notify.ExecuteNonQueryAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            log.LogWarning(ex, "Could not announce message {MessageId} to live streams", e.MessageId);
        }
    }

    /// <summary>Hands an event to the streams of its visitor connected to this instance.</summary>
    public void Deliver(LiveEvent e)
    {
        if (!visitors.TryGetValue(e.VisitorId, out var subs)) return;
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
