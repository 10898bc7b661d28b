using Microsoft.AspNetCore.Mvc.Filters;
using Parley.Features.Bots;
using Htmx;

namespace Parley.Features.BotSettings;

/// <summary>
/// A bot's settings page: before every handler the bot is found among those the member may see (404 otherwise) and
/// editing is checked (Managers and up: 403 otherwise), then the page loads what it shows. No handler can skip it.
/// </summary>
public abstract class BotSettingsPage : PageModel
{
    public Chatbot Bot { get; private set; } = null!;

    /// <summary>Loads what the page shows of <paramref name="bot"/>; a result (such as not found) ends the request.</summary>
    protected virtual Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct) => Task.FromResult<IActionResult?>(null);

    /// <summary>A value of the page's route (the bot's public id, a locale, a list).</summary>
    protected string? Route(string name) => RouteData.Values[name] as string;

    [NonHandler]
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var access = HttpContext.RequestServices.GetRequiredService<BotAccess>();
        var ct = HttpContext.RequestAborted;
        if (await access.FindAsync(Route("publicId") ?? "", ct) is not { } bot) { context.Result = NotFound(); return; }
        if (!access.CanEdit) { context.Result = Forbid(); return; }
        Bot = bot;
        if (await LoadAsync(bot, ct) is { } result) { context.Result = result; return; }
        var executed = await next();
        if (executed.Exception is DbUpdateConcurrencyException && !executed.ExceptionHandled)
        {
            // Someone saved this screen after it was opened here: nothing of this save is kept, and the person is told
            // above the form, which keeps what they typed.
            executed.ExceptionHandled = true;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Response.Htmx(h => h.Reswap("beforebegin"));
            executed.Result = Content("<div class=\"alert-error mb-4\" role=\"alert\" data-testid=\"settings-conflict\">Someone else saved these settings while you were editing. " +
                "Nothing was saved here: reload the page to see their changes, then make yours again.</div>", "text/html");
        }
    }
}
