using System.Net;
using Parley.Features.Chat;

namespace Parley.Features.Widget;

/// <summary>Sending a message, asking again after a failed answer, and the answer's stream.</summary>
public partial class WidgetModel
{
    public async Task<IActionResult> OnPostSendAsync(string botId, string? text, Guid? conversationId, string? pageUrl, string? pageTitle, string? tab, bool terms, [FromServices] ChatService chat, [FromServices] WidgetRateLimits limits, [FromServices] Plans.PlanLimitsReader plans, CancellationToken ct)
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
        if (Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault()?.Value.Value is { Length: > 0 and <= 35 } language) visitor.Language = language;
        var (accepted, problem) = await chat.AcceptAsync(Bot, visitor, conversationId, text ?? "", ConversationChannel.Widget, SafeUrl(pageUrl), pageTitle, DomainOf(pageUrl), ct, tab);
        if (accepted is null) return Notice(StatusCodes.Status422UnprocessableEntity, problem == ChatService.Closed ? T["conversation_closed_write"] : problem!);

        TurnView turn;
        if (accepted.Conversation.Responder == Responder.Human)
            turn = new TurnView(View, accepted.Question, null, null); // the team answers; the bot stays quiet
        else if (!await chat.ReserveAsync(Bot, ct))
        {
            var notice = new Message
            {
                ConversationId = accepted.Conversation.Id, ChatbotId = Bot.Id, Role = MessageRole.Activity, CreatedAt = clock.GetUtcNow(),
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
            return Partial("_Conversation", new ConversationView(View, accepted.Conversation, [], turn) { State = new StateView(View, accepted.Conversation, null) });
        }
        return Partial("_Turn", turn);
    }

    /// <summary>
    /// Asks again for an answer that failed: same question, a fresh ticket. Only a question still without an answer can
    /// be retried, and a retry counts like a message towards the visitor's and the address's rate limits and the quota.
    /// </summary>
    public async Task<IActionResult> OnPostRetryAsync(string botId, Guid questionId, [FromServices] ChatService chat, [FromServices] WidgetRateLimits limits, [FromServices] Plans.PlanLimitsReader plans, CancellationToken ct)
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
    public async Task<IActionResult> OnGetStreamAsync(string botId, string? ticket, [FromServices] ChatService chat, [FromServices] Leads.LeadService leads, CancellationToken ct)
    {
        var redeemed = ticket is null ? null : await chat.RedeemAsync(ticket, Bot.Id, ConversationChannel.Widget, ct);
        if (redeemed is not { } r || r.Conversation.ChatbotId != Bot.Id) return NotFound();
        await AnswerStream.RunAsync(this, chat, Bot, r.Conversation, r.Question, View, withDebug: false, ct, r.Tab, leads);
        return new EmptyResult();
    }
}
