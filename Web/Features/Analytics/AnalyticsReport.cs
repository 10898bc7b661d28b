using Parley.Features.Chat;
using Parley.Features.Unanswered;

namespace Parley.Features.Analytics;

public sealed record QuestionCount(string Question, int Times, IReadOnlyList<string> Wordings);
public sealed record PlaceCount(string Label, string? Url, int Conversations);

/// <summary>What the analytics page shows for a range of days and a set of bots.</summary>
public sealed record AnalyticsFigures(
    DateOnly From, DateOnly To,
    IReadOnlyList<BotDay> Days, BotDay Totals, IReadOnlyList<BotDay> BotDays,
    IReadOnlyList<QuestionCount> TopQuestions, int QuestionsRead, IReadOnlyList<PlaceCount> Domains, IReadOnlyList<PlaceCount> Pages, int[] Ratings)
{
    /// <summary>Share of answers that cited the bot's knowledge, 0-100, or null without answers.</summary>
    public int? AnsweredPercent => Totals.Answers == 0 ? null : (int)Math.Round(100.0 * (Totals.Answers - Totals.Unanswered) / Totals.Answers);
    public int? PositivePercent => Totals.ThumbsUp + Totals.ThumbsDown == 0 ? null : (int)Math.Round(100.0 * Totals.ThumbsUp / (Totals.ThumbsUp + Totals.ThumbsDown));
    public double? AverageRating => Totals.Ratings == 0 ? null : (double)Totals.RatingSum / Totals.Ratings;
    public TimeSpan? AverageFirstResponse => Totals.FirstResponses == 0 ? null : TimeSpan.FromSeconds(Totals.FirstResponseSeconds / (double)Totals.FirstResponses);
    public TimeSpan? AverageResolution => Totals.Resolved == 0 ? null : TimeSpan.FromSeconds(Totals.ResolutionSeconds / (double)Totals.Resolved);
    public int[] Hours => Totals.HourCounts();
}

/// <summary>
/// Reads a range of days for some bots: days the rollup job has stored come from <see cref="BotDay"/> rows, later days
/// (today, and any the job has not reached) are counted live. Top questions and where chats start are read for the range.
/// </summary>
public sealed class AnalyticsReport(AppDbContext db, DayCounter counter)
{
    /// <summary>The longest range a report covers.</summary>
    public const int MaxDays = 366;
    /// <summary>How many of the range's newest visitor messages are grouped into top questions.</summary>
    public const int QuestionSample = 1000;

    public async Task<AnalyticsFigures> ReadAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid> bots, CancellationToken ct)
    {
        var botDays = await DaysAsync(from, to, bots, ct);
        var perDay = botDays.ToLookup(d => d.Day);
        var days = new List<BotDay>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var sum = new BotDay { Day = day, Hours = "" };
            foreach (var d in perDay[day]) sum.Add(d);
            days.Add(sum);
        }
        var totals = new BotDay { Day = from };
        foreach (var d in days) totals.Add(d);

        var start = DayCounter.Start(from);
        var end = DayCounter.Start(to.AddDays(1));
        var counted = db.Conversations.AsNoTracking().Where(Conversation.Counted).Where(c => bots.Contains(c.ChatbotId));
        var started = counted.Where(c => c.CreatedAt >= start && c.CreatedAt < end);
        // One pass over the range's conversations, by site and page; sites and pages are then summed here.
        var places = await started.GroupBy(c => new { c.DomainHost, c.PageUrl }).Select(g => new { g.Key.DomainHost, g.Key.PageUrl, Title = g.Max(c => c.PageTitle), Count = g.Count() }).ToListAsync(ct);
        var domains = places.GroupBy(p => p.DomainHost).Select(g => (Host: g.Key, Count: g.Sum(p => p.Count)))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Host).Take(10)
            .Select(g => new PlaceCount(g.Host ?? "Not recorded", g.Host is null ? null : "https://" + g.Host, g.Count)).ToList();
        var pages = places.Where(p => p.PageUrl is not null).GroupBy(p => p.PageUrl!).Select(g => (Url: g.Key, Title: g.Max(p => p.Title), Count: g.Sum(p => p.Count)))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Url).Take(10)
            .Select(g => new PlaceCount(string.IsNullOrWhiteSpace(g.Title) ? g.Url : g.Title, g.Url, g.Count)).ToList();

        var rated = await counted.Where(c => c.RatedAt >= start && c.RatedAt < end && c.Rating != null)
            .GroupBy(c => c.Rating).Select(g => new { Stars = g.Key, Count = g.Count() }).ToListAsync(ct);
        var ratings = new int[5];
        foreach (var r in rated.Where(r => r.Stars is >= 1 and <= 5)) ratings[r.Stars!.Value - 1] = r.Count;

        var asked = await db.Messages.AsNoTracking()
            .Where(m => m.Role == MessageRole.User && m.CreatedAt >= start && m.CreatedAt < end && bots.Contains(m.ChatbotId)
                        && db.Conversations.Where(Conversation.Counted).Any(c => c.Id == m.ConversationId))
            .OrderByDescending(m => m.CreatedAt).Take(QuestionSample).Select(m => m.Content).ToListAsync(ct);
        var top = QuestionClusters.Cluster(asked, q => q)
            .Select(g => new QuestionCount(QuestionClusters.Representative(g), g.Count, QuestionClusters.Wordings(g)))
            .OrderByDescending(q => q.Times).Take(10).ToList();

        return new AnalyticsFigures(from, to, days, totals, botDays, top, asked.Count, domains, pages, ratings);
    }

    /// <summary>Each bot's days in the range: stored ones up to the rollup's mark, counted ones after it.</summary>
    public async Task<List<BotDay>> DaysAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid> bots, CancellationToken ct)
    {
        var through = await db.AnalyticsStates.AsNoTracking().Select(s => (DateOnly?)s.RolledUpThrough).FirstOrDefaultAsync(ct) ?? from.AddDays(-1);
        var storedTo = through < to ? through : to;
        var days = from <= storedTo
            ? await db.BotDays.AsNoTracking().Where(d => d.Day >= from && d.Day <= storedTo && bots.Contains(d.ChatbotId)).ToListAsync(ct)
            : [];
        var liveFrom = through.AddDays(1) > from ? through.AddDays(1) : from;
        if (liveFrom <= to) days.AddRange(await counter.CountAsync(liveFrom, to, bots, ct));
        return days.OrderBy(d => d.Day).ToList();
    }
}
