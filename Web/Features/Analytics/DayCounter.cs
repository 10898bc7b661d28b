using Parley.Features.Chat;

namespace Parley.Features.Analytics;

/// <summary>
/// Counts bots' widget activity per UTC day straight from conversations, messages and visitors (playground use is not
/// counted). The rollup job stores what it counts for finished days; the analytics page counts days not yet rolled up.
/// </summary>
public sealed class DayCounter(AppDbContext db, TimeProvider clock)
{
    /// <summary>Each bot's figures per day in [from, to] (inclusive), only for bots and days with activity.</summary>
    public async Task<List<BotDay>> CountAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid>? bots, CancellationToken ct)
    {
        var start = Start(from);
        var end = Start(to.AddDays(1));
        var days = new Dictionary<(Guid Bot, DateOnly Day), BotDay>();
        BotDay At(Guid bot, DateTimeOffset at)
        {
            var key = (bot, DateOnly.FromDateTime(at.UtcDateTime));
            if (!days.TryGetValue(key, out var d)) days[key] = d = new BotDay { ChatbotId = bot, Day = key.Item2, Hours = string.Join(',', new int[24]) };
            return d;
        }

        var conversations = db.Conversations.AsNoTracking().Where(Conversation.Counted);
        if (bots is not null) conversations = conversations.Where(c => bots.Contains(c.ChatbotId));
        var widget = conversations.Select(c => c.Id);

        foreach (var c in await conversations.Where(c => c.CreatedAt >= start && c.CreatedAt < end).Select(c => new { c.ChatbotId, c.CreatedAt }).ToListAsync(ct))
            At(c.ChatbotId, c.CreatedAt).Conversations++;

        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.CreatedAt >= start && m.CreatedAt < end && widget.Contains(m.ConversationId) && !m.Internal
                        && (m.Role == MessageRole.User || m.Role == MessageRole.Agent || (m.Role == MessageRole.Assistant && m.Status == MessageStatus.Complete)))
            .Select(m => new { m.ChatbotId, m.Role, m.CreatedAt, m.Reaction, Uncited = m.Sources == null || m.Sources == "" || m.Sources == "[]" })
            .ToListAsync(ct);
        var hours = new Dictionary<BotDay, int[]>();
        foreach (var m in messages)
        {
            var d = At(m.ChatbotId, m.CreatedAt);
            switch (m.Role)
            {
                case MessageRole.User:
                    d.VisitorMessages++;
                    if (!hours.TryGetValue(d, out var h)) hours[d] = h = new int[24];
                    h[m.CreatedAt.UtcDateTime.Hour]++;
                    break;
                case MessageRole.Agent: d.AgentReplies++; break;
                default:
                    d.Answers++;
                    if (m.Uncited) d.Unanswered++;
                    if (m.Reaction == Reaction.Positive) d.ThumbsUp++;
                    if (m.Reaction == Reaction.Negative) d.ThumbsDown++;
                    break;
            }
        }
        foreach (var (d, h) in hours) d.Hours = string.Join(',', h);

        foreach (var c in await conversations.Where(c => c.RatedAt >= start && c.RatedAt < end && c.Rating != null).Select(c => new { c.ChatbotId, c.RatedAt, c.Rating }).ToListAsync(ct))
        {
            var d = At(c.ChatbotId, c.RatedAt!.Value);
            d.Ratings++;
            d.RatingSum += c.Rating!.Value;
        }
        foreach (var c in await conversations.Where(c => c.EscalatedAt >= start && c.EscalatedAt < end).Select(c => new { c.ChatbotId, c.EscalatedAt }).ToListAsync(ct))
            At(c.ChatbotId, c.EscalatedAt!.Value).Escalations++;
        foreach (var c in await conversations.Where(c => c.FirstReplyAt >= start && c.FirstReplyAt < end && c.EscalatedAt != null)
                     .Select(c => new { c.ChatbotId, c.FirstReplyAt, c.EscalatedAt }).ToListAsync(ct))
        {
            var d = At(c.ChatbotId, c.FirstReplyAt!.Value);
            d.FirstResponses++;
            d.FirstResponseSeconds += (long)Math.Max(0, (c.FirstReplyAt.Value - c.EscalatedAt!.Value).TotalSeconds);
        }
        foreach (var c in await conversations.Where(c => c.ResolvedAt >= start && c.ResolvedAt < end && c.Status == ConversationStatus.Resolved)
                     .Select(c => new { c.ChatbotId, c.ResolvedAt, c.CreatedAt }).ToListAsync(ct))
        {
            var d = At(c.ChatbotId, c.ResolvedAt!.Value);
            d.Resolved++;
            d.ResolutionSeconds += (long)Math.Max(0, (c.ResolvedAt.Value - c.CreatedAt).TotalSeconds);
        }

        var visitors = db.Visitors.AsNoTracking().Where(v => v.LeadAt >= start && v.LeadAt < end && v.PlaygroundUserId == null);
        if (bots is not null) visitors = visitors.Where(v => bots.Contains(v.ChatbotId));
        foreach (var v in await visitors.Select(v => new { v.ChatbotId, v.LeadAt }).ToListAsync(ct))
            At(v.ChatbotId, v.LeadAt!.Value).Leads++;

        var now = clock.GetUtcNow();
        foreach (var d in days.Values) d.ComputedAt = now;
        return days.Values.OrderBy(d => d.Day).ThenBy(d => d.ChatbotId).ToList();
    }

    public static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
