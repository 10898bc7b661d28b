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
    /// <summary>The welcome message and disclaimer in the visitor's language where the owner wrote one, else the bot's own.</summary>
    public string Welcome => T.Own("welcome_message") ?? Look.WelcomeMessage;
    public string Disclaimer => T.Own("disclaimer") ?? Behave.Disclaimer;
    /// <summary>Where the widget loads an uploaded icon from (versioned by its blob name, so it is cached for good), or null.</summary>
    public string? IconUrl(BotSettings.IconKind kind) =>
        BotSettings.BotIcons.PathOf(Look, kind) is { } path ? $"{BasePath}?handler=Icon&kind={kind}&v={System.IO.Path.GetFileNameWithoutExtension(path)}" : null;
    /// <summary>The owner's wording where they changed it; Parley's defaults are shown in the visitor's language.</summary>
    public string Placeholder => Look.Placeholder == new BotSettings.BotAppearance().Placeholder ? T["placeholder"] : Look.Placeholder;
    public string PositivePrompt => Support is { } s && s.PositivePrompt != new HumanSupport.HumanSupportSettings().PositivePrompt ? s.PositivePrompt : T["positive_prompt"];
    public string RequestPrompt => Support is { } s && s.RequestPrompt != new HumanSupport.HumanSupportSettings().RequestPrompt ? s.RequestPrompt : T["request_human"];
}
/// <summary>Messages the tab does not show yet, fetched when the live stream announced them.</summary>
public sealed record AfterView(WidgetView Widget, List<Message> Messages, bool HumanMode);
/// <summary>Who answers a conversation (the agent's first name once a person has it) and whether it is closed.</summary>
public sealed record StateView(WidgetView Widget, Conversation Conversation, string? AgentName)
{
    public bool Closed => Conversation.Status == ConversationStatus.Resolved;
    public bool Human => Conversation.Responder == Responder.Human;
}
public sealed record HomeView(WidgetView Widget, List<Conversation> Recent, List<BotSettings.ConversationStarter> Starters);
public sealed record ConversationView(WidgetView Widget, Conversation Conversation, List<Message> Messages, TurnView? Pending)
{
    public StateView? State { get; init; }
}
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
/// One file per action (Conversations, Answers, Live, Feedback, Support, Icons), each taking the services it alone uses;
/// Widget.Pipeline runs the checks every handler needs.
/// </summary>
[RootHost, IgnoreAntiforgeryToken]
public partial class WidgetModel(AppDbContext db, ITenantContext tenants, BotSettings.BotSettingsService settings,
    Localization.LocalizationService localization, HumanSupport.HumanSupportService support, WidgetSettingsCache widgetSettings, Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options,
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
    public WidgetView View => new(Bot, $"/widget/{Bot.PublicId}", Look, Behave) { FollowUpPrompts = followUpPrompts.Where(s => s.ShowsIn(T.Locale)).ToList(), T = T, Support = supportSettings is { Enabled: true } ? supportSettings : null };

    public async Task<IActionResult> OnGetAsync(string botId, [FromServices] Plans.PlanLimitsReader plans, CancellationToken ct)
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
        Response.Headers.Vary = "Origin";
        // On a page whose domain is not the bot's, the launcher does not appear (the frame would be refused anyway), and
        // the Embed page tells the owner which page tried and how to allow it.
        var origin = Request.Headers.Origin.ToString();
        var allowedHere = true;
        if (origin.Length > 0 && origin != "null")
        {
            await LoadHostsAsync(ct);
            allowedHere = OriginAllowed(origin.ToLowerInvariant());
            if (!allowedHere) await RememberRefusalAsync(origin, ct);
        }
        return new JsonResult(new
        {
            name = View.Name, available = Available && allowedHere, refused = allowedHere ? null : "This page's domain is not one of the chatbot's verified domains.", color = Look.LauncherColor, textColor = Look.BrandTextColor, position = Look.Position.ToString().ToLowerInvariant(),
            tooltip = Behave.HideTooltip ? "" : Look.Tooltip, iconSize = Look.IconSize.ToString().ToLowerInvariant(), bottom = Look.BottomDistance, side = Look.SideDistance, height = Look.ChatHeight,
            autoOpenDesktop = Behave.AutoOpenDesktop ? Behave.AutoOpenDesktopDelay : -1, autoOpenMobile = Behave.AutoOpenMobile ? Behave.AutoOpenMobileDelay : -1,
            icon = View.IconUrl(BotSettings.IconKind.Bubble) is { } icon ? TenantHosts.RootUrl(options.Value) + icon : null, plainIcon = Look.PlainIcons,
        });
    }

    /// <summary>Records the refused origin at most once per origin every ten minutes (one conditional write), so page views cost no write.</summary>
    private Task RememberRefusalAsync(string origin, CancellationToken ct)
    {
        origin = origin.Length > 300 ? origin[..300] : origin;
        var now = clock.GetUtcNow();
        var stale = now.AddMinutes(-10);
        return db.Chatbots.Where(b => b.Id == Bot.Id && (b.LastRefusedOrigin != origin || b.LastRefusedAt == null || b.LastRefusedAt < stale))
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.LastRefusedOrigin, origin).SetProperty(b => b.LastRefusedAt, now), ct);
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

}
