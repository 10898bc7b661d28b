using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Features.Chat;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Inbox;

/// <summary>
/// The escalation mail, as a job queued for the workspace when a visitor asks for a person and run after the bot's
/// "mail when nobody is in the inbox for N minutes": it mails the notification addresses only if the visitor is still
/// waiting and no member who can see the bot has had the inbox open since they asked (presence from the inbox streams).
/// </summary>
public sealed class EscalationNotice(AppDbContext db, Leads.LeadService leads, HumanSupport.HumanSupportService support, ITenantContext tenant,
    IOptions<Infrastructure.ParleyOptions> options, ILogger<EscalationNotice> log)
{
    public async Task RunAsync(Guid conversationId, DateTimeOffset escalatedAt)
    {
        var ct = CancellationToken.None;
        var c = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId, ct);
        if (c is null || c.Status != ConversationStatus.Pending || c.WaitingSince is null) return; // answered, taken, resolved or gone
        var s = await support.SettingsAsync(c.ChatbotId, ct);
        if (!s.Notify || !s.Enabled) return;
        if (s.NotifyAfterMinutes > 0 && await SomeoneWatchingAsync(c.ChatbotId, escalatedAt, ct))
        {
            log.LogInformation("Escalation of {ConversationId} not mailed: a member had the inbox open", conversationId);
            return;
        }
        var bot = await db.Chatbots.AsNoTracking().FirstAsync(b => b.Id == c.ChatbotId, ct);
        var slug = await db.Tenants.Where(t => t.Id == tenant.TenantId).Select(t => t.Slug).FirstAsync(ct);
        await MailAsync(bot, c, s, $"{TenantHosts.Url(options.Value, slug)}/inbox?c={c.Id}", ct);
    }

    /// <summary>A member who can see the bot (Owners and Admins see all) had an inbox stream open since then.</summary>
    private Task<bool> SomeoneWatchingAsync(Guid botId, DateTimeOffset since, CancellationToken ct) =>
        db.InboxPresence.AnyAsync(p => p.LastSeenAt >= since && db.Memberships.Any(m => m.UserId == p.UserId && m.LeftAt == null
            && (m.Role == Role.Owner || m.Role == Role.Admin || db.BotAssignments.Any(a => a.UserId == p.UserId && a.ChatbotId == botId))), ct);

    private async Task MailAsync(Bots.Chatbot bot, Conversation conversation, HumanSupport.HumanSupportSettings s, string url, CancellationToken ct)
    {
        var visitor = await db.Visitors.AsNoTracking().FirstAsync(v => v.Id == conversation.VisitorId, ct);
        var who = visitor.Name ?? visitor.Email ?? "A visitor";
        var recent = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id && (m.Role == MessageRole.User || m.Role == MessageRole.Assistant))
            .OrderByDescending(m => m.Id).Take(6).ToListAsync(ct);
        recent.Reverse();
        var subject = $"{who} asked for a person on {bot.Name}";
        var text = new StringBuilder($"{who} asked to talk to a person in \"{conversation.Title}\"{(conversation.DomainHost is { } d ? $" on {d}" : "")} and is still waiting.\n\n");
        var html = new StringBuilder($"<p><strong>{WebUtility.HtmlEncode(who)}</strong> asked to talk to a person in “{WebUtility.HtmlEncode(conversation.Title)}”{(conversation.DomainHost is { } dh ? $" on {WebUtility.HtmlEncode(dh)}" : "")} and is still waiting.</p>");
        foreach (var m in recent)
        {
            var speaker = m.Role == MessageRole.User ? "Visitor" : bot.Name;
            var line = m.Content.Length > 400 ? m.Content[..400] + "…" : m.Content;
            text.Append($"{speaker}: {line}\n");
            html.Append($"<p><strong>{WebUtility.HtmlEncode(speaker)}:</strong> {WebUtility.HtmlEncode(line)}</p>");
        }
        text.Append($"\nAnswer them in the inbox: {url}\n");
        html.Append($"<p><a href=\"{WebUtility.HtmlEncode(url)}\">Answer in the inbox</a></p>");
        await leads.SendAllAsync(s.Recipients(), subject, text.ToString(), html.ToString(), ct);
    }
}
