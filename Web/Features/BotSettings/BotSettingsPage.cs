using Microsoft.AspNetCore.Mvc.Filters;
using Parley.Features.Bots;

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
        await next();
    }
}
