using Parley.Features.Chat;
using Parley.Infrastructure.Live;

namespace Parley.Features.Widget;

/// <summary>What the widget fetches when its live stream says something changed, the visitor's typing, and the rating of a closed conversation.</summary>
public partial class WidgetModel
{
    /// <summary>The messages after the last one this tab shows ("c-…" on the live stream): another tab's, an agent's, the team's activity.</summary>
    public async Task<IActionResult> OnGetAfterAsync(string botId, Guid id, Guid after, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        if (await VisitorConversationAsync(visitor, id, ct) is not { } conversation) return NotFound();
        var last = await db.Messages.Where(m => m.ConversationId == id && m.PublicId == after).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
        if (last is null) return new NoContentResult();
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id && m.Id > last).Where(Message.ForVisitor).OrderBy(m => m.Id).Take(100).ToListAsync(ct);
        var human = conversation.Responder == Responder.Human;
        return Partial("_After", new AfterView(View, messages, human));
    }

    /// <summary>Who answers the conversation and whether it is closed ("s-…" on the live stream): the header and the foot of the conversation.</summary>
    public async Task<IActionResult> OnGetStateAsync(string botId, Guid id, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        if (await VisitorConversationAsync(visitor, id, ct) is not { } conversation) return NotFound();
        return Partial("_State", await StateViewAsync(conversation, ct));
    }

    /// <summary>The visitor is typing in a conversation a person answers: the team's inbox shows it (nothing is stored).</summary>
    public async Task<IActionResult> OnPostTypingAsync(string botId, Guid conversationId, [FromServices] LiveHub hub, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        if (await VisitorConversationAsync(visitor, conversationId, ct) is not { } c) return NotFound();
        if (c.Responder == Responder.Human && c.Status != ConversationStatus.Resolved)
            await hub.PublishNowAsync(new LiveEvent(LiveKind.Typing, c.TenantId, c.ChatbotId, c.Id, c.VisitorId, ToVisitor: false, ToTeam: true), ct);
        return new NoContentResult();
    }

    /// <summary>The visitor rates a resolved conversation 1-5, with an optional comment (once; a second rating replaces the first).</summary>
    public async Task<IActionResult> OnPostRateAsync(string botId, Guid conversationId, int rating, string? comment, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var c = await db.Conversations.FirstOrDefaultAsync(x => x.Id == conversationId && x.VisitorId == visitor.Id && x.ChatbotId == Bot.Id, ct);
        if (c is null) return NotFound();
        if (c.Status != ConversationStatus.Resolved || rating is < 1 or > 5)
            return Notice(StatusCodes.Status422UnprocessableEntity, rating is < 1 or > 5 ? "Choose from 1 to 5 stars." : "Only a closed conversation can be rated.");
        comment = comment?.Trim();
        (c.Rating, c.RatingComment, c.RatedAt) = (rating, comment is { Length: > 0 } ? comment[..Math.Min(comment.Length, 1000)] : null, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return Partial("_State", await StateViewAsync(c, ct));
    }

    private Task<Conversation?> VisitorConversationAsync(Visitor visitor, Guid id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id, ct);

    private async Task<StateView> StateViewAsync(Conversation c, CancellationToken ct)
    {
        var agent = c.Responder == Responder.Human && c.AssigneeId is { } a
            ? await db.Users.Where(u => u.Id == a).Select(u => u.FullName).FirstOrDefaultAsync(ct) : null;
        return new StateView(View, c, agent is { Length: > 0 } ? agent.Split(' ')[0] : null);
    }
}
