using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewEngines;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Parley.Features.Bots;
using Parley.Features.Chat;

namespace Parley.Features.Widget;

/// <summary>
/// Streams one answer as server-sent events, for the widget and the dashboard playground alike: "token" events carry
/// HTML-escaped text as the model writes it, "done" the finished message (or a friendly retry) rendered server-side.
/// </summary>
public static class AnswerStream
{
    /// <summary>
    /// Writes the answer's events as they come. A visitor who leaves stops the writing, not the answer: the stream is
    /// drained to its end so the answer is stored (and the lead rule applied) for their return.
    /// </summary>
    public static async Task RunAsync(PageModel page, ChatService chat, Chatbot bot, Conversation conversation, Message question, WidgetView view, bool withDebug, CancellationToken ct, string? tab = null,
        Leads.LeadService? leads = null)
    {
        var response = page.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        var listening = await TryAsync(() => response.Body.FlushAsync(ct));
        AnswerFinished? finished = null;
        await foreach (var e in chat.AnswerAsync(bot, conversation, question, tab))
        {
            if (e is AnswerFinished done) finished = done;
            else if (e is AnswerPiece piece && listening && !ct.IsCancellationRequested)
                listening = await TryAsync(() => WriteEventAsync(response, "token", WebUtility.HtmlEncode(piece.Text).Replace("\n", "<br>"), ct));
        }
        var answer = finished?.Answer;
        var lead = answer is not null && leads is not null ? await leads.OfferAsync(conversation, question, answer, CancellationToken.None) : null;
        if (!listening || ct.IsCancellationRequested) return; // the visitor left: the answer is stored and shows on reload
        var html = answer is null
            ? await RenderAsync(page, "/Features/Widget/_Failed.cshtml", new TurnView(view, question, null, null))
            : await RenderAsync(page, "/Features/Widget/_Answer.cshtml", new AnswerView(view, answer, true, withDebug ? finished?.Debug : null) { Lead = lead });
        await TryAsync(() => WriteEventAsync(response, "done", html, ct));
    }

    /// <summary>False when the response is gone (the visitor closed the page or lost the connection).</summary>
    private static async Task<bool> TryAsync(Func<Task> write)
    {
        try { await write(); return true; }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { return false; }
    }

    public static async Task WriteEventAsync(HttpResponse response, string name, string data, CancellationToken ct)
    {
        var sb = new StringBuilder($"event: {name}\n");
        foreach (var line in data.Replace("\r", "").Split('\n')) sb.Append("data: ").Append(line).Append('\n');
        sb.Append('\n');
        await response.WriteAsync(sb.ToString(), ct);
        await response.Body.FlushAsync(ct);
    }

    public static async Task<string> RenderAsync(PageModel page, string path, object model)
    {
        var engine = page.HttpContext.RequestServices.GetRequiredService<ICompositeViewEngine>();
        var found = engine.GetView(executingFilePath: null, viewPath: path, isMainPage: false);
        var view = found.View ?? throw new InvalidOperationException($"No partial {path}.");
        await using var writer = new StringWriter();
        var data = new ViewDataDictionary(new EmptyModelMetadataProvider(), new ModelStateDictionary()) { Model = model };
        var context = new ViewContext(page.PageContext, view, data, page.TempData, writer, new HtmlHelperOptions());
        await view.RenderAsync(context);
        return writer.ToString();
    }
}
