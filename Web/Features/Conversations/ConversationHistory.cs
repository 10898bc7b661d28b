using Parley.Features.Chat;

namespace Parley.Features.Conversations;

public sealed record HistoryFilter(string? Q, DateOnly? From, DateOnly? To, int Page, bool Waiting = false);
public sealed record HistoryRow(Conversation Conversation, string? LastMessage);
public sealed record HistoryPage(IReadOnlyList<HistoryRow> Rows, int Total, HistoryFilter Filter, string BaseUrl, string? DomainHost, string TranscriptBase);

/// <summary>Conversation history for one bot (optionally on one domain): text search over messages, date range, newest first.</summary>
public sealed class ConversationHistory(AppDbContext db)
{
    public const int PageSize = 25;

    public async Task<(IReadOnlyList<HistoryRow> Rows, int Total)> SearchAsync(Guid botId, string? domainHost, HistoryFilter f, CancellationToken ct)
    {
        var query = db.Conversations.AsNoTracking().Where(Conversation.Counted).Where(c => c.ChatbotId == botId);
        if (domainHost is not null) query = query.Where(c => c.DomainHost == domainHost);
        if (f.Waiting) query = query.Where(c => c.WaitingSince != null && c.Status != ConversationStatus.Resolved);
        if (f.From is { } from) { var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero); query = query.Where(c => c.LastMessageAt >= start); }
        if (f.To is { } to && to < DateOnly.MaxValue) { var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero); query = query.Where(c => c.CreatedAt < end); }
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var q = f.Q.Trim().ToLower();
            query = query.Where(c => c.Title.ToLower().Contains(q) || db.Messages.Any(m => m.ConversationId == c.Id && m.Content.ToLower().Contains(q)));
        }
        var total = await query.CountAsync(ct);
        var page = await query.OrderByDescending(c => c.LastMessageAt).Skip(Math.Max(0, f.Page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        var ids = page.Select(c => c.Id).ToList();
        // The snippet is the last thing the visitor could read or wrote (not a private note), without Markdown marks.
        var last = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.ConversationId) && !m.Internal && m.Role != MessageRole.Note && m.Role != MessageRole.Activity)
            .GroupBy(m => m.ConversationId).Select(g => g.OrderByDescending(m => m.Id).Select(m => new { m.ConversationId, m.Content }).First()).ToListAsync(ct);
        var lastBy = last.ToDictionary(x => x.ConversationId, x => Features.Chat.Markdown.ToPlain(x.Content));
        return (page.Select(c => new HistoryRow(c, lastBy.GetValueOrDefault(c.Id))).ToList(), total);
    }

    public async Task<(Conversation Conversation, List<Message> Messages, Visitor? Visitor)?> TranscriptAsync(Guid botId, Guid id, CancellationToken ct)
    {
        var c = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id && x.ChatbotId == botId, ct);
        if (c is null) return null;
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).OrderBy(m => m.Id).ToListAsync(ct);
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == c.VisitorId, ct);
        return (c, messages, visitor);
    }
}
