using Parley.Features.Chat;
using Parley.Features.Widget;

namespace Parley.Features.Bots;

/// <summary>
/// Chat with a bot inside the dashboard, through the same pipeline visitors get, with a debug drawer under each
/// answer (the passages retrieved and the prompt's size). Playground messages are not counted against the plan.
/// </summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class PlaygroundModel(BotAccess access, AppDbContext db, ChatService chat, CurrentMember me, BotSettings.BotSettingsService settings, TimeProvider clock) : PageModel
{
    public Chatbot Bot { get; private set; } = null!;
    private BotSettings.BotAppearance look = new();
    private BotSettings.BotBehavior behave = new();
    public WidgetView View => new(Bot, $"/bots/{Bot.PublicId}/playground", look, behave);
    public ConversationView? Current { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, bool fresh, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var visitor = await VisitorAsync(ct);
        var conversation = fresh ? null : await db.Conversations.AsNoTracking().Where(c => c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id)
            .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
        if (conversation is not null)
            Current = new ConversationView(View, conversation, await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id).OrderBy(m => m.Id).ToListAsync(ct), null);
        return Page();
    }

    /// <summary>"New conversation" from the conversation view: an empty playground.</summary>
    public async Task<IActionResult> OnGetHomeAsync(string publicId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        return Partial("_PlaygroundEmpty", View);
    }

    public async Task<IActionResult> OnPostSendAsync(string publicId, string? text, Guid? conversationId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var visitor = await VisitorAsync(ct);
        var (accepted, problem) = await chat.AcceptAsync(Bot, visitor, conversationId, text ?? "", ConversationChannel.Playground, null, null, null, ct);
        if (accepted is null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Response.Htmx(h => h.Retarget("#notice"));
            return Content($"<p class=\"widget-notice\" role=\"alert\">{System.Net.WebUtility.HtmlEncode(problem)}</p>", "text/html");
        }
        var turn = new TurnView(View, accepted.Question, accepted.Ticket, null);
        if (conversationId is null)
        {
            Response.Htmx(h => h.Retarget("#view").Reswap("innerHTML"));
            return Partial("/Features/Widget/_Conversation.cshtml", new ConversationView(View, accepted.Conversation, [], turn));
        }
        return Partial("/Features/Widget/_Turn.cshtml", turn);
    }

    public async Task<IActionResult> OnGetStreamAsync(string publicId, string? ticket, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var redeemed = ticket is null ? null : await chat.RedeemAsync(ticket, Bot.Id, ConversationChannel.Playground, ct);
        if (redeemed is not { } r) return NotFound();
        await AnswerStream.RunAsync(this, chat, Bot, r.Conversation, r.Question, View, withDebug: true, ct);
        return new EmptyResult();
    }

    public async Task<IActionResult> OnPostRetryAsync(string publicId, Guid questionId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var retry = await chat.RetryTicketAsync((await VisitorAsync(ct)).Id, questionId, ct);
        return retry is not { Ticket: not null } r ? NotFound() : Partial("/Features/Widget/_Pending.cshtml", new TurnView(View, r.Question, r.Ticket, null));
    }

    public async Task<IActionResult> OnPostFeedbackAsync(string publicId, Guid messageId, string? value, [FromServices] Chat.Feedback feedback, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        var visitor = await VisitorAsync(ct);
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.PublicId == messageId && m.ChatbotId == Bot.Id
            && db.Conversations.Any(c => c.Id == m.ConversationId && c.VisitorId == visitor.Id), ct);
        if (message is null) return NotFound();
        var pressed = value switch { "up" => Reaction.Positive, "down" => Reaction.Negative, _ => Reaction.None };
        message.Reaction = await feedback.SetAsync(message.Id, message.ConversationId, current => Feedback.Toggle(current, pressed), ct);
        return Partial("/Features/Widget/_Feedback.cshtml", new AnswerView(View, message, false));
    }

    /// <summary>This member's stand-in visitor for this bot's playground, made on first use.</summary>
    private async Task<Visitor> VisitorAsync(CancellationToken ct)
    {
        var userId = me.Membership!.UserId;
        var visitor = await db.Visitors.FirstOrDefaultAsync(v => v.ChatbotId == Bot.Id && v.PlaygroundUserId == userId, ct);
        if (visitor is not null) return visitor;
        var now = clock.GetUtcNow();
        visitor = new Visitor { ChatbotId = Bot.Id, PlaygroundUserId = userId, TokenHash = Visitor.Hash(Visitor.NewToken()), Name = "Playground", CreatedAt = now, LastSeenAt = now };
        db.Visitors.Add(visitor);
        await db.SaveChangesAsync(ct);
        return visitor;
    }

    private async Task<bool> LoadAsync(string publicId, CancellationToken ct)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return false;
        Bot = bot;
        look = await settings.AppearanceAsync(bot.Id, ct);
        behave = await settings.BehaviorAsync(bot.Id, ct) is var b && b.RequireTerms ? b.Copy() : b;
        behave.RequireTerms = false; // members testing their own bot are not asked to accept its visitor terms
        return true;
    }
}
