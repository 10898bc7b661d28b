using System.Net;
using Parley.Features.Chat;

namespace Parley.Features.Widget;

/// <summary>Thumbs on an answer.</summary>
public partial class WidgetModel
{
    public async Task<IActionResult> OnPostFeedbackAsync(string botId, Guid messageId, string? value, [FromServices] Chat.Feedback feedback, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.PublicId == messageId && m.Role == MessageRole.Assistant
            && db.Conversations.Any(c => c.Id == m.ConversationId && c.VisitorId == visitor.Id), ct);
        if (message is null) return NotFound();
        var pressed = value switch { "up" => Reaction.Positive, "down" => Reaction.Negative, _ => Reaction.None };
        message.Reaction = await feedback.SetAsync(message.Id, message.ConversationId, current => Feedback.Toggle(current, pressed), ct);
        return Partial("_Feedback", new AnswerView(View, message, false));
    }
}
