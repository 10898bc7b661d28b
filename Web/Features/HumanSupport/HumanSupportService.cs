using System.Net;
using System.Text;
using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Leads;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.HumanSupport;

/// <summary>Human support: the bot's settings (audited), and a visitor's request for a person, which hands the conversation over and tells the team.</summary>
public sealed class HumanSupportService(AppDbContext db, AuditTrail audit, LeadService leads, LiveHub live, ITenantContext tenant, TimeProvider clock)
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
        (row.Notify, row.NotifyEmails) = (input.Notify, string.Join(", ", LeadSettings.Split(input.NotifyEmails ?? "")));
        BotSettings.SettingsStamp.Stamp(db, row, input.UpdatedAt, clock.GetUtcNow());
        var changes = AuditDiff.Of(before, row);
        if (changes.Before.Count > 0) audit.Record("bot.human_support_changed", "Chatbot", bot.PublicId, bot.Name, changes.Before, changes.After);
        await db.SaveChangesAsync(ct);
        input.UpdatedAt = row.UpdatedAt; // the form shows the new stamp
    }

    /// <summary>
    /// Hands the conversation to the team: marked escalated, human mode (the bot stops answering), the confirmation
    /// stored as a message the visitor sees (and their other tabs), and the notified addresses emailed a link to it.
    /// Asking twice changes nothing more. Returns the confirmation message, or null when human support is off.
    /// </summary>
    public async Task<Message?> EscalateAsync(Chatbot bot, Conversation conversation, string confirmationText, string conversationUrl, string? tab, CancellationToken ct)
    {
        var s = await SettingsAsync(bot.Id, ct);
        if (!s.Enabled) return null;
        var now = clock.GetUtcNow();
        var message = new Message { ConversationId = conversation.Id, ChatbotId = bot.Id, Role = MessageRole.System, Content = s.Confirmation.Length > 0 ? s.Confirmation : confirmationText, CreatedAt = now };
        db.Messages.Add(message);
        // Claimed with one conditional write, so a double click or a second tab gets the first confirmation, not another.
        var claimed = false;
        await db.SaveAtomicallyAsync(async token =>
        {
            claimed = await db.Conversations.Where(c => c.Id == conversation.Id && !(c.Escalated && c.Mode == ConversationMode.Human))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Escalated, true).SetProperty(c => c.EscalatedAt, now)
                    .SetProperty(c => c.Mode, ConversationMode.Human).SetProperty(c => c.LastMessageAt, now), token) == 1;
            db.Entry(message).State = claimed ? EntityState.Added : EntityState.Detached;
        }, ct);
        if (!claimed)
            return await db.Messages.Where(m => m.ConversationId == conversation.Id && m.Role == MessageRole.System).OrderByDescending(m => m.Id).FirstOrDefaultAsync(ct);
        var row = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversation.Id, ct);
        await live.PublishAsync(new LiveEvent(tenant.TenantId!.Value, row.VisitorId, row.Id, message.Id, tab is { Length: > 0 and <= 64 } ? tab : null)); // the asking tab shows it already
        if (s.Notify) await NotifyAsync(bot, row, s, conversationUrl, ct);
        return message;
    }

    private async Task NotifyAsync(Chatbot bot, Conversation conversation, HumanSupportSettings s, string url, CancellationToken ct)
    {
        var visitor = await db.Visitors.AsNoTracking().FirstAsync(v => v.Id == conversation.VisitorId, ct);
        var who = visitor.Name ?? visitor.Email ?? "A visitor";
        var recent = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id && (m.Role == MessageRole.User || m.Role == MessageRole.Assistant))
            .OrderByDescending(m => m.Id).Take(6).ToListAsync(ct);
        recent.Reverse();
        var subject = $"{who} asked for a person on {bot.Name}";
        var text = new StringBuilder($"{who} asked to talk to a person in \"{conversation.Title}\"{(conversation.DomainHost is { } d ? $" on {d}" : "")}.\n\n");
        var html = new StringBuilder($"<p><strong>{WebUtility.HtmlEncode(who)}</strong> asked to talk to a person in “{WebUtility.HtmlEncode(conversation.Title)}”{(conversation.DomainHost is { } dh ? $" on {WebUtility.HtmlEncode(dh)}" : "")}.</p>");
        foreach (var m in recent)
        {
            var speaker = m.Role == MessageRole.User ? "Visitor" : bot.Name;
            var line = m.Content.Length > 400 ? m.Content[..400] + "…" : m.Content;
            text.Append($"{speaker}: {line}\n");
            html.Append($"<p><strong>{WebUtility.HtmlEncode(speaker)}:</strong> {WebUtility.HtmlEncode(line)}</p>");
        }
        text.Append($"\nAnswer them here: {url}\n");
        html.Append($"<p><a href=\"{WebUtility.HtmlEncode(url)}\">Open the conversation</a></p>");
        await leads.SendAllAsync(s.Recipients(), subject, text.ToString(), html.ToString(), ct);
    }
}
