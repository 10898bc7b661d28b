using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Parley.Features.Chat;

/// <summary>A message was added to a visitor's conversation; <see cref="OriginTab"/> is the widget tab that caused it (it has it already).</summary>
public sealed record LiveEvent(Guid TenantId, Guid VisitorId, Guid ConversationId, long MessageId, string? OriginTab);

/// <summary>
/// Pushes new messages to every open widget of a visitor (their other tabs now; agents' replies with the live inbox).
/// In-process: each instance serves the streams connected to it.
/// </summary>
public sealed class LiveHub
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Channel<LiveEvent>>> visitors = new();
    private int open;

    public int OpenStreams => Volatile.Read(ref open);

    public (Guid Id, ChannelReader<LiveEvent> Events) Subscribe(Guid visitorId)
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
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

    public void Publish(LiveEvent e)
    {
        if (!visitors.TryGetValue(e.VisitorId, out var subs)) return;
        foreach (var channel in subs.Values) channel.Writer.TryWrite(e);
    }
}
