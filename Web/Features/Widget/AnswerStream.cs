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
    public static async Task RunAsync(PageModel page, ChatService chat, Chatbot bot, Conversation conversation, Message question, WidgetView view, bool withDebug, CancellationToken ct, string? tab = null,
        Func<Message, Task<Leads.LeadSettings?>>? offerLead = null)
    {
        var response = page.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);
        var (answer, debug) = await chat.AnswerAsync(bot, conversation, question,
            piece => WriteEventAsync(response, "token", WebUtility.HtmlEncode(piece).Replace("\n", "<br>"), ct), ct, tab);
        if (ct.IsCancellationRequested) return; // the visitor left: the answer is stored and shows on reload
        var lead = answer is not null && offerLead is not null ? await offerLead(answer) : null;
        var html = answer is null
            ? await RenderAsync(page, "/Features/Widget/_Failed.cshtml", new TurnView(view, question, null, null))
            : await RenderAsync(page, "/Features/Widget/_Answer.cshtml", new AnswerView(view, answer, true, withDebug ? debug : null) { Lead = lead });
        await WriteEventAsync(response, "done", html, ct);
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
