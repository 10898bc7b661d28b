using Parley.Features.Chat;
using Parley.Infrastructure.Live;

namespace Parley.Features.Inbox;

public sealed record ThreadView(Conversation Conversation, string BotName, IReadOnlyList<Message> Messages, Visitor? Visitor, IReadOnlyDictionary<string, string> LeadLabels,
    IReadOnlyList<Conversation> Earlier, IReadOnlyList<Teammate> Teammates, Guid Me, string? Assignee, IReadOnlyList<SavedReply> Replies, string? Language);
public sealed record HeaderView(Conversation Conversation, IReadOnlyList<Teammate> Teammates, Guid Me, string? Assignee, string? Problem = null);
public sealed record MessagesView(IReadOnlyList<Message> Messages, string BotName);

/// <summary>
/// The live inbox (Chatwoot's shape): views with live counts and filters on the left, the conversation in the middle
/// with the composer and every action, the visitor on the right. Agents and Managers see their bots' conversations,
/// Owners and Admins all. Every action goes through <see cref="ConversationActions"/>; the inbox stream
/// (<see cref="InboxStream"/>) tells every open inbox what changed and each re-reads its part.
/// </summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class IndexModel(InboxQueries inbox, ConversationActions actions, Leads.LeadService leads, LiveHub hub, Microsoft.AspNetCore.Identity.UserManager<Accounts.AppUser> users) : PageModel
{
    public InboxList List { get; private set; } = null!;
    public ThreadView? Thread { get; private set; }

    public async Task<IActionResult> OnGetAsync(InboxView view = InboxView.Waiting, string? bot = null, string? domain = null, string? tag = null, string? q = null, Guid? c = null, CancellationToken ct = default)
    {
        List = await inbox.ListAsync(new InboxFilter(view, bot, domain, tag, q), c, ct);
        if (c is { } id)
        {
            if (await inbox.FindAsync(id, ct) is not { } conversation) return NotFound();
            Thread = await ThreadAsync(conversation, ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnGetListAsync(InboxView view = InboxView.Waiting, string? bot = null, string? domain = null, string? tag = null, string? q = null, Guid? c = null, CancellationToken ct = default)
    {
        Response.Headers.Append("Vary", "HX-Request");
        return Partial("_List", await inbox.ListAsync(new InboxFilter(view, bot, domain, tag, q), c, ct));
    }

    public async Task<IActionResult> OnGetConversationAsync(Guid id, CancellationToken ct)
    {
        if (await inbox.FindAsync(id, ct) is not { } c) return NotFound();
        return Partial("_Thread", await ThreadAsync(c, ct));
    }

    /// <summary>The messages after the last one the open conversation shows (its live stream said there are new ones).</summary>
    public async Task<IActionResult> OnGetMessagesAsync(Guid id, Guid? after, CancellationToken ct)
    {
        if (await inbox.FindAsync(id, ct) is not { } c) return NotFound();
        var last = 0L;
        if (after is { } a)
        {
            if (await inbox.MessageIdAsync(id, a, ct) is not { } known) return new NoContentResult();
            last = known;
        }
        await actions.MarkSeenAsync(c, ct);
        return Partial("_Messages", new MessagesView(await inbox.MessagesAsync(id, last, ct), await inbox.BotNameAsync(c.ChatbotId, ct)));
    }

    public async Task<IActionResult> OnGetHeaderAsync(Guid id, CancellationToken ct)
    {
        if (await inbox.FindAsync(id, ct) is not { } c) return NotFound();
        return Partial("_Header", await HeaderAsync(c, null, ct));
    }

    /// <summary>The composer: a reply to the visitor, or (kind "note") a private note for the team.</summary>
    public Task<IActionResult> OnPostSendAsync(Guid id, string? text, string? kind, CancellationToken ct) =>
        ComposeAsync(id, (c, me) => kind == "note" ? actions.NoteAsync(c, me, text ?? "", ct) : actions.ReplyAsync(c, me, text ?? "", ct), ct);

    public Task<IActionResult> OnPostTakeOverAsync(Guid id, CancellationToken ct) => ActAsync(id, (c, me) => actions.TakeOverAsync(c, me, ct), ct);
    public Task<IActionResult> OnPostHandBackAsync(Guid id, CancellationToken ct) => ActAsync(id, (c, me) => actions.HandBackAsync(c, me, ct), ct);
    public Task<IActionResult> OnPostResolveAsync(Guid id, CancellationToken ct) => ActAsync(id, (c, me) => actions.ResolveAsync(c, me, ct), ct);
    public Task<IActionResult> OnPostReopenAsync(Guid id, CancellationToken ct) => ActAsync(id, (c, me) => actions.ReopenAsync(c, me, ct), ct);
    public Task<IActionResult> OnPostImportantAsync(Guid id, bool on, CancellationToken ct) => ActAsync(id, (c, _) => actions.MarkImportantAsync(c, on, ct), ct);

    public Task<IActionResult> OnPostAssignAsync(Guid id, Guid? userId, CancellationToken ct) => ActAsync(id, async (c, me) =>
    {
        var to = userId is { } u ? (await inbox.TeammatesAsync(c.ChatbotId, ct)).FirstOrDefault(t => t.UserId == u) : null;
        if (userId is not null && to is null) return "That member cannot see this bot's conversations.";
        await actions.AssignAsync(c, me, to, ct);
        return null;
    }, ct);

    /// <summary>Snoozes until a preset ("1h", "tomorrow", "week") or a chosen time (UTC).</summary>
    public Task<IActionResult> OnPostSnoozeAsync(Guid id, string? until, DateTime? at, CancellationToken ct) => ActAsync(id, async (c, me) =>
    {
        var now = DateTimeOffset.UtcNow;
        DateTimeOffset? when = until switch
        {
            "1h" => now.AddHours(1),
            "tomorrow" => new DateTimeOffset(now.UtcDateTime.Date.AddDays(1).AddHours(9), TimeSpan.Zero),
            "week" => new DateTimeOffset(now.UtcDateTime.Date.AddDays(7).AddHours(9), TimeSpan.Zero),
            _ => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
        };
        if (when is null || when <= now) return "Choose when the conversation should come back.";
        if (when > now.AddDays(90)) return "Snooze for at most 90 days.";
        await actions.SnoozeAsync(c, me, when.Value, ct);
        return null;
    }, ct);

    public Task<IActionResult> OnPostTagsAsync(Guid id, string? tags, CancellationToken ct) => ActAsync(id, (c, _) => actions.TagAsync(c, tags, ct), ct);

    /// <summary>The agent is typing a reply: the visitor's widget shows it (nothing is stored; notes never show).</summary>
    public async Task<IActionResult> OnPostTypingAsync(Guid id, CancellationToken ct)
    {
        if (await inbox.FindAsync(id, ct) is not { } c) return NotFound();
        if (c.Responder == Responder.Human && c.Status != ConversationStatus.Resolved)
            await hub.PublishNowAsync(new LiveEvent(LiveKind.Typing, c.TenantId, c.ChatbotId, c.Id, c.VisitorId, ToVisitor: true, ToTeam: false), ct);
        return new NoContentResult();
    }

    /// <summary>A reply or note: the new messages come back for the thread (and reach every other inbox and the widget live); a problem comes back as 422.</summary>
    private async Task<IActionResult> ComposeAsync(Guid id, Func<Conversation, Agent, Task<string?>> act, CancellationToken ct)
    {
        if (await inbox.FindAsync(id, ct) is not { } c) return NotFound();
        if (await act(c, await MeAsync(ct)) is { } problem)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Response.Htmx(h => h.Retarget("#composer-error").Reswap("innerHTML"));
            return Content(System.Net.WebUtility.HtmlEncode(problem), "text/html");
        }
        Response.Htmx(h => h.WithTrigger("inbox-changed"));
        return new NoContentResult();
    }

    private async Task<IActionResult> ActAsync(Guid id, Func<Conversation, Agent, Task> act, CancellationToken ct) =>
        await ActAsync(id, async (c, me) => { await act(c, me); return null; }, ct);

    /// <summary>An action on the conversation: the header comes back redrawn (with a problem above it if refused), and the list refreshes.</summary>
    private async Task<IActionResult> ActAsync(Guid id, Func<Conversation, Agent, Task<string?>> act, CancellationToken ct)
    {
        if (await inbox.FindAsync(id, ct) is not { } c) return NotFound();
        var problem = await act(c, await MeAsync(ct));
        if (problem is not null) Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        else Response.Htmx(h => h.WithTrigger("inbox-changed"));
        return Partial("_Header", await HeaderAsync(c, problem, ct));
    }

    private async Task<Agent> MeAsync(CancellationToken ct)
    {
        var user = await users.FindByIdAsync(inbox.UserId.ToString());
        return new Agent(inbox.UserId, user is { FullName.Length: > 0 } ? user.FullName : user?.Email ?? "A teammate");
    }

    private async Task<HeaderView> HeaderAsync(Conversation c, string? problem, CancellationToken ct)
    {
        var team = await inbox.TeammatesAsync(c.ChatbotId, ct);
        return new HeaderView(c, team, inbox.UserId, team.FirstOrDefault(t => t.UserId == c.AssigneeId)?.Name, problem);
    }

    private async Task<ThreadView> ThreadAsync(Conversation c, CancellationToken ct)
    {
        await actions.MarkSeenAsync(c, ct);
        var visitor = await inbox.VisitorAsync(c.VisitorId, ct);
        var labels = visitor is { LeadAt: not null } ? (await leads.SettingsAsync(c.ChatbotId, ct)).Fields.ToDictionary(f => f.Name, f => f.Label) : new Dictionary<string, string>();
        var team = await inbox.TeammatesAsync(c.ChatbotId, ct);
        return new ThreadView(c, await inbox.BotNameAsync(c.ChatbotId, ct), await inbox.MessagesAsync(c.Id, 0, ct), visitor, labels, await inbox.EarlierAsync(c, ct),
            team, inbox.UserId, team.FirstOrDefault(t => t.UserId == c.AssigneeId)?.Name, await inbox.SavedRepliesAsync(ct), visitor?.Language);
    }
}
