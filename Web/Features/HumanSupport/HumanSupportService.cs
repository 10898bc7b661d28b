using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Leads;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Live;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.HumanSupport;

/// <summary>Human support: the bot's settings (audited), and a visitor's request for a person, which hands the conversation over and tells the team.</summary>
public sealed class HumanSupportService(AppDbContext db, AuditTrail audit, LiveEvents live, Hangfire.IBackgroundJobClient jobs, ITenantContext tenant, TimeProvider clock)
{
    public async Task<HumanSupportSettings> SettingsAsync(Guid chatbotId, CancellationToken ct) =>
        await db.HumanSupportSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ChatbotId == chatbotId, ct) ?? new HumanSupportSettings { ChatbotId = chatbotId };

    public async Task SaveAsync(Chatbot bot, HumanSupportSettings input, CancellationToken ct)
    {
        var row = await db.HumanSupportSettings.FirstOrDefaultAsync(s => s.ChatbotId == bot.Id, ct);
        var before = row?.Copy() ?? new HumanSupportSettings { ChatbotId = bot.Id };
        if (row is null) db.HumanSupportSettings.Add(row = new HumanSupportSettings { ChatbotId = bot.Id });
        (row.Enabled, row.ReplaceSuggestions) = (input.Enabled, input.ReplaceSuggestions);
        (row.PositivePrompt, row.RequestPrompt, row.Confirmation) = (input.PositivePrompt.Trim(), input.RequestPrompt.Trim(), input.Confirmation?.Trim() ?? "");
        (row.Notify, row.NotifyEmails, row.NotifyAfterMinutes) = (input.Notify, string.Join(", ", LeadSettings.Split(input.NotifyEmails ?? "")), input.NotifyAfterMinutes);
        BotSettings.SettingsStamp.Stamp(db, row, input.UpdatedAt, clock.GetUtcNow());
        var changes = AuditDiff.Of(before, row);
        if (changes.Before.Count > 0) audit.Record("bot.human_support_changed", "Chatbot", bot.PublicId, bot.Name, changes.Before, changes.After);
        await db.SaveChangesAsync(ct);
        input.UpdatedAt = row.UpdatedAt; // the form shows the new stamp
    }

    /// <summary>
    /// Hands the conversation to the team: waiting for a person (the bot stops answering), the confirmation stored as an
    /// activity the visitor sees, and every open inbox and the visitor's other tabs told once it is stored. The notified
    /// addresses are mailed later if nobody who can see the bot has the inbox open (<see cref="Inbox.EscalationNotice"/>).
    /// Asking twice changes nothing more. Returns the confirmation message, or null when human support is off.
    /// </summary>
    public async Task<Message?> EscalateAsync(Chatbot bot, Conversation conversation, string confirmationText, string? tab, CancellationToken ct)
    {
        var s = await SettingsAsync(bot.Id, ct);
        if (!s.Enabled) return null;
        var now = clock.GetUtcNow();
        var message = new Message { ConversationId = conversation.Id, ChatbotId = bot.Id, Role = MessageRole.Activity, Content = s.Confirmation.Length > 0 ? s.Confirmation : confirmationText, CreatedAt = now };
        // Claimed with one conditional write, so a double click or a second tab gets the first confirmation, not another.
        var claimed = false;
        await db.SaveAtomicallyAsync(async token =>
        {
            claimed = await db.Conversations.Where(c => c.Id == conversation.Id && c.Responder == Responder.Bot && c.Status != ConversationStatus.Resolved)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Pending).SetProperty(c => c.Responder, Responder.Human)
                    .SetProperty(c => c.EscalatedAt, c => c.EscalatedAt ?? now).SetProperty(c => c.WaitingSince, now).SetProperty(c => c.SnoozedUntil, (DateTimeOffset?)null)
                    .SetProperty(c => c.LastMessageAt, now).SetProperty(c => c.LastIncomingAt, now)
                    .SetProperty(c => c.MessageCount, c => c.MessageCount + 1), token) == 1;
            if (!claimed || db.Entry(message).State == EntityState.Added) return;
            db.Messages.Add(message);
            Webhooks.WebhookOutbox.Raise(db, Webhooks.WebhookEvents.ConversationEscalated, bot.Id,
                new { conversation_id = conversation.Id, title = conversation.Title, visitor_id = conversation.VisitorId }, now);
            foreach (var kind in new[] { LiveKind.Message, LiveKind.State })
                live.Raise(new LiveEvent(kind, tenant.TenantId!.Value, bot.Id, conversation.Id, conversation.VisitorId, ToVisitor: true, ToTeam: true, tab));
        }, ct);
        if (!claimed)
            return await db.Messages.Where(m => m.ConversationId == conversation.Id && m.Role == MessageRole.Activity && !m.Internal).OrderByDescending(m => m.Id).FirstOrDefaultAsync(ct);
        if (s.Notify && s.Recipients().Any())
            TenantJobs.Enqueue<Inbox.EscalationNotice>(jobs, tenant.TenantId!.Value, n => n.RunAsync(conversation.Id, now), s.NotifyAfterMinutes == 0 ? null : now.AddMinutes(s.NotifyAfterMinutes));
        return message;
    }
}
