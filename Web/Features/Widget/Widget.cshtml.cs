using System.Net;
using System.Text;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Widget;

public sealed record WidgetView(Chatbot Bot, string BasePath, BotSettings.BotAppearance Look, BotSettings.BotBehavior Behave)
{
    public string Name => Look.DisplayName ?? Bot.Name;
    /// <summary>The bot's follow-up prompts, shown under the latest answer.</summary>
    public IReadOnlyList<BotSettings.ConversationStarter> FollowUpPrompts { get; init; } = [];
    /// <summary>The widget's texts in the visitor's language.</summary>
    public Localization.Texts T { get; init; } = Localization.Texts.English;
    /// <summary>Human support when the bot offers it (never in the dashboard playground).</summary>
    public HumanSupport.HumanSupportSettings? Support { get; init; }
    public bool RightToLeft => Look.RightToLeft || T.RightToLeft;
    /// <summary>Where the widget loads an uploaded icon from (versioned by its blob name, so it is cached for good), or null.</summary>
    public string? IconUrl(BotSettings.IconKind kind) =>
        BotSettings.BotIcons.PathOf(Look, kind) is { } path ? $"{BasePath}?handler=Icon&kind={kind}&v={System.IO.Path.GetFileNameWithoutExtension(path)}" : null;
    /// <summary>The owner's wording where they changed it; Parley's defaults are shown in the visitor's language.</summary>
    public string Placeholder => Look.Placeholder == new BotSettings.BotAppearance().Placeholder ? T["placeholder"] : Look.Placeholder;
    public string PositivePrompt => Support is { } s && s.PositivePrompt != new HumanSupport.HumanSupportSettings().PositivePrompt ? s.PositivePrompt : T["positive_prompt"];
    public string RequestPrompt => Support is { } s && s.RequestPrompt != new HumanSupport.HumanSupportSettings().RequestPrompt ? s.RequestPrompt : T["request_human"];
}
public sealed record HomeView(WidgetView Widget, List<Conversation> Recent, List<BotSettings.ConversationStarter> Starters);
public sealed record ConversationView(WidgetView Widget, Conversation Conversation, List<Message> Messages, TurnView? Pending);
/// <summary>A visitor message just sent and the answer on its way (streamed with <see cref="Ticket"/>), or a notice in its place.</summary>
public sealed record TurnView(WidgetView Widget, Message Question, string? Ticket, Message? Notice);
public sealed record AnswerView(WidgetView Widget, Message Answer, bool Last, AnswerDebug? Debug = null)
{
    /// <summary>The conversation is with a person now: no escalation buttons.</summary>
    public bool HumanMode { get; init; }
    /// <summary>The lead form follows this answer when its trigger fired.</summary>
    public Leads.LeadSettings? Lead { get; init; }
}
/// <summary>The lead form, with what the visitor typed and what needs fixing when it came back.</summary>
public sealed record LeadFormView(WidgetView Widget, Leads.LeadSettings Settings, Guid ConversationId, IFormCollection? Posted = null, IReadOnlyDictionary<string, string>? Problems = null);

/// <summary>
/// The chat widget, served on the root host inside an iframe on the customer's site. The visitor is known by a token
/// the iframe keeps in its own storage and sends in a header; answers stream over SSE authorised by a single-use
/// ticket. Framing is allowed only to the bot's verified domains; posts are accepted only from the widget itself.
/// </summary>
[RootHost, IgnoreAntiforgeryToken]
public partial class WidgetModel(AppDbContext db, ITenantContext tenants, ChatService chat, WidgetRateLimits limits, PlanLimitsReader plans, LiveHub live, BotSettings.BotSettingsService settings,
    Localization.LocalizationService localization, Leads.LeadService leads, HumanSupport.HumanSupportService support, WidgetSettingsCache widgetSettings, Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options,
    IHostEnvironment env, TimeProvider clock) : PageModel
{
    public const string VisitorHeader = "X-Parley-Visitor";
    public Chatbot Bot { get; private set; } = null!;
    public bool Available { get; private set; }
    public IReadOnlyList<string> AllowedHosts { get; private set; } = [];
    public BotSettings.BotAppearance Look { get; private set; } = new();
    /// <summary>"Powered by Parley" shows unless the bot hides it and its plan allows that.</summary>
    public bool ShowBranding { get; private set; } = true;
    /// <summary>The customer's own footer mark, when their plan includes it.</summary>
    public bool ShowWatermark { get; private set; }
    public BotSettings.BotBehavior Behave { get; private set; } = new();
    private IReadOnlyList<BotSettings.ConversationStarter> followUpPrompts = [];
    public Localization.Texts T { get; private set; } = Localization.Texts.English;
    private HumanSupport.HumanSupportSettings? supportSettings;
    public WidgetView View => new(Bot, $"/widget/{Bot.PublicId}", Look, Behave) { FollowUpPrompts = followUpPrompts, T = T, Support = supportSettings is { Enabled: true } ? supportSettings : null };

    public async Task<IActionResult> OnGetAsync(string botId, CancellationToken ct)
    {
        await LoadHostsAsync(ct);
        var plan = await plans.LimitsAsync(ct);
        ShowBranding = !Look.HideBranding || !plan.RemoveBranding;
        ShowWatermark = plan.CustomWatermark && Look.WatermarkText.Length > 0;
        Response.Headers.ContentSecurityPolicy =
            $"frame-ancestors {string.Join(' ', FrameAncestors())}; default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";
        return Page();
    }

    /// <summary>What the loader needs to draw the launcher: public, cacheable for a minute.</summary>
    public async Task<IActionResult> OnGetConfigAsync(string botId, CancellationToken ct)
    {
        Response.Headers.CacheControl = "public, max-age=60";
        Response.Headers.AccessControlAllowOrigin = "*";
        return new JsonResult(new
        {
            name = View.Name, available = Available, color = Look.LauncherColor, textColor = Look.BrandTextColor, position = Look.Position.ToString().ToLowerInvariant(),
            tooltip = Behave.HideTooltip ? "" : Look.Tooltip, iconSize = Look.IconSize.ToString().ToLowerInvariant(), bottom = Look.BottomDistance, side = Look.SideDistance, height = Look.ChatHeight,
            autoOpenDesktop = Behave.AutoOpenDesktop ? Behave.AutoOpenDesktopDelay : -1, autoOpenMobile = Behave.AutoOpenMobile ? Behave.AutoOpenMobileDelay : -1,
            icon = View.IconUrl(BotSettings.IconKind.Bubble) is { } icon ? TenantHosts.RootUrl(options.Value) + icon : null, plainIcon = Look.PlainIcons,
        });
    }

    /// <summary>Starts (or confirms) the visitor's session; the token is returned once and kept by the iframe.</summary>
    public async Task<IActionResult> OnPostSessionAsync(string botId, CancellationToken ct)
    {
        if (await VisitorAsync(ct) is not null)
        {
            if (CookieToken() is { } existing) SetCookie(existing); // keep it from expiring
            return new JsonResult(new { token = (string?)null, known = true });
        }
        var token = Visitor.NewToken();
        var now = clock.GetUtcNow();
        db.Visitors.Add(new Visitor { ChatbotId = Bot.Id, TokenHash = Visitor.Hash(token), CreatedAt = now, LastSeenAt = now });
        await db.SaveChangesAsync(ct);
        SetCookie(token);
        return new JsonResult(new { token, known = false });
    }

    public async Task<IActionResult> OnGetHomeAsync(string botId, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var home = await HomeViewAsync(visitor, 5, ct);
        // Without a home page the widget opens on the latest conversation, or a new one; without "stay on home" a
        // visitor with no conversation yet starts one straight away.
        if (Behave.HideHomePage && home.Recent.FirstOrDefault() is { } last) return await ConversationAsync(visitor, last.Id, ct);
        if (Behave.HideHomePage || (Behave.OpenNewConversation && home.Recent.Count == 0)) return Partial("_Start", home);
        return Partial("_Home", home);
    }

    /// <summary>A new conversation before its first message: welcome, starters, composer.</summary>
    public async Task<IActionResult> OnGetStartAsync(string botId, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        return Partial("_Start", await HomeViewAsync(visitor, 0, ct));
    }

    /// <summary>All the visitor's conversations with this bot (the bottom navigation's second tab).</summary>
    public async Task<IActionResult> OnGetMessagesAsync(string botId, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        return Partial("_Messages", await HomeViewAsync(visitor, 50, ct));
    }

    private async Task<HomeView> HomeViewAsync(Visitor visitor, int recent, CancellationToken ct)
    {
        var conversations = recent == 0 ? [] : await db.Conversations.AsNoTracking().Where(c => c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id && !c.Archived)
            .OrderByDescending(c => c.LastMessageAt).Take(recent).ToListAsync(ct);
        var starters = await db.ConversationStarters.AsNoTracking().Where(s => s.ChatbotId == Bot.Id && s.Placement == BotSettings.StarterPlacement.Home).OrderBy(s => s.Position).ToListAsync(ct);
        return new HomeView(View, conversations, starters);
    }

    public async Task<IActionResult> OnGetConversationAsync(string botId, Guid id, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        return await ConversationAsync(visitor, id, ct);
    }

    private async Task<IActionResult> ConversationAsync(Visitor visitor, Guid id, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id, ct);
        if (conversation is null) return NotFound();
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).OrderBy(m => m.Id).ToListAsync(ct);
        return Partial("_Conversation", new ConversationView(View, conversation, messages, null));
    }

    public async Task<IActionResult> OnPostSendAsync(string botId, string? text, Guid? conversationId, string? pageUrl, string? pageTitle, string? tab, bool terms, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        if (Behave.RequireTerms && conversationId is null && !terms)
            return Notice(StatusCodes.Status422UnprocessableEntity, T["terms_required"]);
        var plan = await plans.LimitsAsync(ct);
        if (conversationId is { } existing && await settings.GeneralAsync(Bot.Id, ct) is { LimitMessages: true } general && plan.RemoveBranding
            && await db.Messages.CountAsync(m => m.ConversationId == existing && m.Role == MessageRole.User, ct) >= general.MaxMessages)
            return Notice(StatusCodes.Status422UnprocessableEntity, T["max_messages_description"]);
        if (limits.Check(visitor.Id, HttpContext.Connection.RemoteIpAddress?.ToString(), plan.VisitorMessagesPerMinute) is { } wait) return TooFast(wait);
        await LoadHostsAsync(ct);
        var (accepted, problem) = await chat.AcceptAsync(Bot, visitor, conversationId, text ?? "", ConversationChannel.Widget, SafeUrl(pageUrl), pageTitle, DomainOf(pageUrl), ct, tab);
        if (accepted is null) return Notice(StatusCodes.Status422UnprocessableEntity, problem!);

        TurnView turn;
        if (accepted.Conversation.Mode == ConversationMode.Human)
            turn = new TurnView(View, accepted.Question, null, null); // the team answers; the bot stays quiet
        else if (!await chat.ReserveAsync(Bot, ct))
        {
            var notice = new Message
            {
                ConversationId = accepted.Conversation.Id, ChatbotId = Bot.Id, Role = MessageRole.System, CreatedAt = clock.GetUtcNow(),
                Content = T["quota_reached"],
            };
            db.Messages.Add(notice);
            await db.SaveChangesAsync(ct);
            turn = new TurnView(View, accepted.Question, null, notice);
        }
        else turn = new TurnView(View, accepted.Question, accepted.Ticket, null);

        if (conversationId is null)
        {
            // A new conversation: the whole conversation view replaces the home view.
            Response.Htmx(h => h.Retarget("#view").Reswap("innerHTML"));
            return Partial("_Conversation", new ConversationView(View, accepted.Conversation, [], turn));
        }
        return Partial("_Turn", turn);
    }

    /// <summary>
    /// Asks again for an answer that failed: same question, a fresh ticket. Only a question still without an answer can
    /// be retried, and a retry counts like a message towards the visitor's and the address's rate limits and the quota.
    /// </summary>
    public async Task<IActionResult> OnPostRetryAsync(string botId, Guid questionId, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        if (questionId == Guid.Empty) return NotFound();
        var plan = await plans.LimitsAsync(ct);
        if (limits.Check(visitor.Id, HttpContext.Connection.RemoteIpAddress?.ToString(), plan.VisitorMessagesPerMinute) is { } wait) return TooFast(wait);
        var retry = await chat.RetryTicketAsync(visitor.Id, questionId, ct);
        if (retry is null) return NotFound();
        if (retry.Value.Ticket is null) return Notice(StatusCodes.Status409Conflict, T["already_answered"]);
        // The failed answer gave its message back; the new attempt takes one again.
        if (!await chat.ReserveAsync(Bot, ct)) return Notice(StatusCodes.Status429TooManyRequests, T["quota_reached"]);
        return Partial("_Pending", new TurnView(View, retry.Value.Question, retry.Value.Ticket, null));
    }

    /// <summary>The answer as server-sent events: "token" events carry text as it is written, "done" the finished message.</summary>
    public async Task<IActionResult> OnGetStreamAsync(string botId, string? ticket, CancellationToken ct)
    {
        var redeemed = ticket is null ? null : await chat.RedeemAsync(ticket, Bot.Id, ConversationChannel.Widget, ct);
        if (redeemed is not { } r || r.Conversation.ChatbotId != Bot.Id) return NotFound();
        await AnswerStream.RunAsync(this, chat, Bot, r.Conversation, r.Question, View, withDebug: false, ct, r.Tab, leads);
        return new EmptyResult();
    }

    /// <summary>
    /// The visitor's live stream, open while the widget is: messages added to their conversations elsewhere (another tab
    /// now, an agent later) arrive as "c-{conversation}" events carrying the rendered message. Idle streams get a
    /// comment every 25 seconds so proxies keep them open. Authorised by the visitor's partitioned cookie or header.
    /// </summary>
    public async Task<IActionResult> OnGetLiveAsync(string botId, string? tab, CancellationToken ct)
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

    public async Task<IActionResult> OnPostFeedbackAsync(string botId, Guid messageId, string? value, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.PublicId == messageId && m.Role == MessageRole.Assistant
            && db.Conversations.Any(c => c.Id == m.ConversationId && c.VisitorId == visitor.Id), ct);
        if (message is null) return NotFound();
        var pressed = value switch { "up" => Reaction.Positive, "down" => Reaction.Negative, _ => Reaction.None };
        message.Reaction = await HttpContext.RequestServices.GetRequiredService<Feedback>()
            .SetAsync(message.Id, message.ConversationId, current => Feedback.Toggle(current, pressed), ct);
        return Partial("_Feedback", new AnswerView(View, message, false));
    }
}
