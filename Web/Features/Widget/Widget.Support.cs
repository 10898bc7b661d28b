using System.Net;
using Parley.Features.Chat;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Widget;

/// <summary>The widget's lead form and its hand-over to a person.</summary>
public partial class WidgetModel
{
    /// <summary>The lead form sent: the visitor becomes a lead (or their details are updated) and the team is told; or the form comes back with what to fix.</summary>
    public async Task<IActionResult> OnPostLeadAsync(string botId, Guid conversationId, [FromServices] Leads.LeadService leads, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId && c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id, ct);
        var settings = await leads.SettingsAsync(Bot.Id, ct);
        if (conversation is null || !settings.Enabled) return NotFound();
        var form = await Request.ReadFormAsync(ct);
        var problems = await leads.SubmitAsync(Bot, visitor, conversation, form, ConversationUrl(conversation.Id), ct);
        if (problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Partial("_LeadForm", new LeadFormView(View, settings, conversation.Id, form, problems));
        }
        return Partial("_LeadThanks", new LeadFormView(View, settings, conversation.Id));
    }

    /// <summary>The visitor asked for a person (and confirmed): the conversation is handed to the team and the confirmation shown.</summary>
    public async Task<IActionResult> OnPostEscalateAsync(string botId, Guid conversationId, string? tab, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId && c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id, ct);
        if (conversation is null) return NotFound();
        var message = await support.EscalateAsync(Bot, conversation, T["switched_to_human"], tab, ct);
        if (message is null) return NotFound();
        return Partial("_Message", new AnswerView(View, message, true) { HumanMode = true });
    }

    /// <summary>The "that helped" escalation button: a thumbs-up for the answer, and a thank-you in place of the buttons.</summary>
    public async Task<IActionResult> OnPostHelpfulAsync(string botId, Guid messageId, [FromServices] Chat.Feedback feedback, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.PublicId == messageId && m.Role == MessageRole.Assistant
            && db.Conversations.Any(c => c.Id == m.ConversationId && c.VisitorId == visitor.Id), ct);
        if (message is null) return NotFound();
        await feedback.SetAsync(message.Id, message.ConversationId, _ => Reaction.Positive, ct);
        return Content($"<p class=\"text-xs text-slate-500\" data-testid=\"helpful-thanks\">👍 {WebUtility.HtmlEncode(T["helpful"])}</p>", "text/html");
    }

    /// <summary>The conversation in the workspace's dashboard, for the team's notification mails.</summary>
    private string ConversationUrl(Guid conversationId) =>
        $"{TenantHosts.Url(options.Value, tenants.Tenant!.Slug)}/bots/{Bot.PublicId}/conversations/{conversationId}";
}
