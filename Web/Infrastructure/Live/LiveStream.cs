namespace Parley.Infrastructure.Live;

/// <summary>
/// The loop both live streams (the widget's and the inbox's) run once they have authorised their caller: subscribe to a
/// key, forward each event as zero or more named SSE events, and every 25 seconds send a comment (so proxies keep the
/// connection) and run the caller's check, which may end the stream (a member removed, say). It holds no page model and
/// no database context: the check opens its own short scope when it needs one.
/// </summary>
public static class LiveStream
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(25);

    public static async Task RunAsync(HttpContext http, LiveHub hub, Guid key, Func<LiveEvent, IEnumerable<string>> names,
        Func<CancellationToken, Task<bool>>? stillAllowed, CancellationToken ct)
    {
        var response = http.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync(": connected\n\n", ct);
        await response.Body.FlushAsync(ct);
        var (id, events) = hub.Subscribe(key);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                heartbeat.CancelAfter(Heartbeat);
                LiveEvent e;
                try { e = await events.ReadAsync(heartbeat.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    if (stillAllowed is not null && !await stillAllowed(ct)) return;
                    await response.WriteAsync(": ping\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                var wrote = false;
                foreach (var name in names(e))
                {
                    await response.WriteAsync($"event: {name}\ndata: {e.ConversationId}\n\n", ct);
                    wrote = true;
                }
                if (wrote) await response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        catch (System.Threading.Channels.ChannelClosedException) { }
        finally { hub.Unsubscribe(key, id); }
    }
}
