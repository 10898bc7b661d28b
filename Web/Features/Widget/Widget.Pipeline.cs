using System.Net;
using Microsoft.AspNetCore.Mvc.Filters;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Widget;

/// <summary>What every widget request goes through before its handler, once, and the helpers the handlers share.</summary>
public partial class WidgetModel
{
    /// <summary>Handlers that work while the bot is unavailable: the page and its config say so, icons still load.</summary>
    private static readonly HashSet<string> WhileUnavailable = ["", "Config", "Icon"];
    /// <summary>Handlers that act for no known visitor: the page, config and icons, the session that makes one, and answers (a ticket authorises them).</summary>
    private static readonly HashSet<string> WithoutVisitor = ["", "Config", "Icon", "Session", "Stream"];

    /// <summary>The visitor the request is for (set before every handler that acts for one).</summary>
    private Visitor CurrentVisitor { get; set; } = null!;

    /// <summary>
    /// Every handler starts here: the bot and its workspace are found (404 when there is none) and entered; posts come
    /// only from the widget itself; the bot must be available; and the visitor is known for the handlers that act for
    /// one (401 without). No handler can forget a check.
    /// </summary>
    [NonHandler]
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var handler = context.HandlerMethod?.Name ?? "";
        var ct = HttpContext.RequestAborted;
        if (!await LoadAsync(RouteData.Values["botId"] as string ?? "", ct)) { context.Result = NotFound(); return; }
        if (HttpMethods.IsPost(Request.Method) && Refused() is { } refused) { context.Result = refused; return; }
        if (!Available && !WhileUnavailable.Contains(handler)) { context.Result = Unavailable(); return; }
        if (!WithoutVisitor.Contains(handler))
        {
            if (await VisitorAsync(ct) is not { } visitor) { context.Result = Unauthorized(); return; }
            CurrentVisitor = visitor;
        }
        await next();
    }

    private IActionResult Notice(int status, string message)
    {
        Response.StatusCode = status;
        Response.Htmx(h => h.Retarget("#notice").Reswap("innerHTML"));
        return Content($"<p class=\"widget-notice\" role=\"alert\">{WebUtility.HtmlEncode(message)}</p>", "text/html");
    }

    private IActionResult TooFast(TimeSpan wait)
    {
        Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString("0");
        return Notice(StatusCodes.Status429TooManyRequests, T["too_fast"].Replace("{seconds}", Math.Ceiling(wait.TotalSeconds).ToString("0")));
    }

    private IActionResult Unavailable()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Content("<p class=\"widget-notice\" role=\"alert\">This assistant is unavailable right now.</p>", "text/html");
    }

    /// <summary>Posts come only from the widget itself (same origin as this page); anything else is refused.</summary>
    private IActionResult? Refused()
    {
        var origin = Request.Headers.Origin.ToString();
        var self = $"{Request.Scheme}://{Request.Host}";
        if (origin.Length > 0 ? string.Equals(origin, self, StringComparison.OrdinalIgnoreCase) : Request.Headers["Sec-Fetch-Site"] is var site && (site.Count == 0 || site == "same-origin"))
            return null;
        return StatusCode(StatusCodes.Status403Forbidden);
    }

    /// <summary>
    /// The visitor token also travels as a CHIPS cookie (Partitioned; Secure; SameSite=None; HttpOnly), scoped to this
    /// bot's widget path and partitioned by the customer's site, for browsers that deny storage to framed documents.
    /// </summary>
    private void SetCookie(string token) =>
        Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            Path = $"/widget/{Bot.PublicId}", Secure = true, HttpOnly = true, SameSite = SameSiteMode.None, IsEssential = true,
            Expires = clock.GetUtcNow().AddYears(1), Extensions = { "Partitioned" },
        });

    public const string CookieName = "parley_visitor";
    private string? CookieToken() => Request.Cookies[CookieName];

    private async Task<Visitor?> VisitorAsync(CancellationToken ct)
    {
        var token = Request.Headers[VisitorHeader].ToString();
        if (token.Length == 0) token = CookieToken() ?? "";
        if (token.Length is < 10 or > 100) return null;
        var hash = Visitor.Hash(token);
        return await db.Visitors.FirstOrDefaultAsync(v => v.TokenHash == hash && v.ChatbotId == Bot.Id && v.PlaygroundUserId == null, ct);
    }

    private async Task<bool> LoadAsync(string botId, CancellationToken ct)
    {
        // Widget calls answer fragments and JSON; only the widget page itself gets the friendly not-found page.
        if (Request.Query.ContainsKey("handler") && HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            pages.Enabled = false;
        if (await PublicBots.EnterAsync(db, tenants, botId, ct) is not { } found) return false;
        Bot = found.Bot;
        // A workspace paused for an unpaid bill keeps its widget on the page, saying politely that it is unavailable.
        Available = found.Bot.Status == BotStatus.Enabled && found.Tenant.Status == TenantStatus.Active
                    && !await HttpContext.RequestServices.GetRequiredService<Plans.PlanLimitsReader>().LockedAsync(ct);
        var s = await widgetSettings.GetAsync(Bot, async () => new WidgetSettings(
            await settings.AppearanceAsync(Bot.Id, ct), await settings.BehaviorAsync(Bot.Id, ct),
            await db.ConversationStarters.AsNoTracking().Where(s => s.ChatbotId == Bot.Id && s.Placement == BotSettings.StarterPlacement.AfterAnswer).OrderBy(s => s.Position).ToListAsync(ct),
            await support.SettingsAsync(Bot.Id, ct), await localization.OptionsAsync(Bot.Id, ct), await localization.LocalesAsync(Bot.Id, ct)));
        (Look, Behave, followUpPrompts, supportSettings) = (s.Look, s.Behave, s.FollowUpPrompts, s.Support);
        T = Localization.LocalizationService.Choose(s.Languages, s.Locales, Request.Headers.AcceptLanguage);
        return true;
    }
}
