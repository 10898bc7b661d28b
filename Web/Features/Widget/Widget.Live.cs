using System.Net;
using Parley.Features.Chat;

namespace Parley.Features.Widget;

/// <summary>The visitor's live stream while the widget is open.</summary>
public partial class WidgetModel
{
    /// <summary>
    /// The visitor's live stream, open while the widget is: messages added to their conversations elsewhere (another tab
    /// now, an agent later) arrive as "c-{conversation}" events carrying the rendered message. Idle streams get a
    /// comment every 25 seconds so proxies keep them open. Authorised by the visitor's partitioned cookie or header.
    /// </summary>
    public async Task<IActionResult> OnGetLiveAsync(string botId, string? tab, [FromServices] LiveHub live, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        Response.Headers.ContentType = "text/event-stream";
        Response.Headers.CacheControl = "no-cache, no-transform";
        Response.Headers["X-Accel-Buffering"] = "no";
        await Response.WriteAsync(": connected\n\n", ct);
        await Response.Body.FlushAsync(ct);
        var (id, events) = live.Subscribe(visitor.Id);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                heartbeat.CancelAfter(TimeSpan.FromSeconds(25));
                LiveEvent e;
                try { e = await events.ReadAsync(heartbeat.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await Response.WriteAsync(": ping\n\n", ct);
                    await Response.Body.FlushAsync(ct);
                    continue;
                }
                if (e.OriginTab is not null && e.OriginTab == tab) continue; // that tab shows it already
                var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == e.MessageId && m.ConversationId == e.ConversationId, ct);
                if (message is null) continue;
                var html = await AnswerStream.RenderAsync(this, "/Features/Widget/_Message.cshtml", new AnswerView(View, message, true));
                await AnswerStream.WriteEventAsync(Response, $"c-{e.ConversationId}", html, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally { live.Unsubscribe(visitor.Id, id); }
        return new EmptyResult();
    }
}
