using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;

namespace Parley.Features.Unanswered;

/// <summary>One question visitors asked (in one or several wordings) that the bot answered badly.</summary>
public sealed record UnansweredGroup(string Question, IReadOnlyList<string> Wordings, IReadOnlyList<Guid> QuestionIds, int Times, int NotAnswered, int ThumbsDown,
    DateTimeOffset LastAsked);

/// <summary>
/// The questions a bot answered badly (its answer cited nothing, or the visitor gave it a thumbs down), grouped by the
/// words they share, and the one-click way to fix them: an answer given here becomes a Q&amp;A source, trained at once,
/// and the questions it answers leave the list.
/// </summary>
public sealed class UnansweredService(AppDbContext db, SourceService sources, AuditTrail audit, Infrastructure.Security.CurrentMember me, TimeProvider clock)
{
    /// <summary>How far back the list looks, and how many bad answers it reads at most.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);
    private const int MaxAnswers = 1000;

    private sealed record Asked(long Id, Guid PublicId, string Text, DateTimeOffset At, bool NotAnswered, bool ThumbsDown);

    public async Task<List<UnansweredGroup>> GroupsAsync(Chatbot bot, CancellationToken ct)
    {
        var since = clock.GetUtcNow() - Window;
        var widget = db.Conversations.Where(Conversation.Counted).Where(c => c.ChatbotId == bot.Id).Select(c => c.Id);
        var bad = await db.Messages.AsNoTracking()
            .Where(m => m.ChatbotId == bot.Id && m.Role == MessageRole.Assistant && m.Status == MessageStatus.Complete && !m.Internal && m.CreatedAt >= since
                        && widget.Contains(m.ConversationId) && (m.Sources == null || m.Sources == "" || m.Sources == "[]" || m.Reaction == Reaction.Negative))
            .OrderByDescending(m => m.Id).Take(MaxAnswers)
            .Select(m => new { m.Id, m.ConversationId, m.Reaction, Cited = !(m.Sources == null || m.Sources == "" || m.Sources == "[]") })
            .ToListAsync(ct);
        if (bad.Count == 0) return [];
        var conversations = bad.Select(b => b.ConversationId).Distinct().ToList();
        var questions = await db.Messages.AsNoTracking()
            .Where(m => conversations.Contains(m.ConversationId) && m.Role == MessageRole.User)
            .Select(m => new { m.Id, m.PublicId, m.ConversationId, m.Content, m.CreatedAt }).ToListAsync(ct);
        var byConversation = questions.ToLookup(q => q.ConversationId);
        var fixedIds = (await db.AnswerFixes.Where(f => f.ChatbotId == bot.Id).Select(f => f.QuestionMessageId).ToListAsync(ct)).ToHashSet();

        // Each bad answer's question is the visitor's last message before it.
        var asked = new Dictionary<long, Asked>();
        foreach (var b in bad)
        {
            var q = byConversation[b.ConversationId].Where(m => m.Id < b.Id).MaxBy(m => m.Id);
            if (q is null || fixedIds.Contains(q.Id)) continue;
            var notAnswered = !b.Cited;
            var down = b.Reaction == Reaction.Negative;
            asked[q.Id] = asked.TryGetValue(q.Id, out var seen)
                ? seen with { NotAnswered = seen.NotAnswered || notAnswered, ThumbsDown = seen.ThumbsDown || down }
                : new Asked(q.Id, q.PublicId, q.Content, q.CreatedAt, notAnswered, down);
        }
        return Group(asked.Values.OrderByDescending(a => a.At).ToList());
    }

    private static List<UnansweredGroup> Group(List<Asked> asked) =>
        QuestionClusters.Cluster(asked, a => a.Text).Select(g => new UnansweredGroup(
                QuestionClusters.Representative(g.Select(m => m.Text)), QuestionClusters.Wordings(g.Select(m => m.Text)),
                g.Select(m => m.PublicId).ToList(), g.Count, g.Count(m => m.NotAnswered), g.Count(m => m.ThumbsDown), g.Max(m => m.At)))
            .OrderByDescending(g => g.Times).ThenByDescending(g => g.LastAsked).ToList();

    /// <summary>The question that came before an answer (for "Improve this answer" on a transcript), or null.</summary>
    public async Task<(Guid Id, string Text)?> QuestionBeforeAsync(Chatbot bot, Guid answerId, CancellationToken ct)
    {
        var answer = await db.Messages.AsNoTracking().Where(m => m.PublicId == answerId && m.ChatbotId == bot.Id && m.Role == MessageRole.Assistant)
            .Select(m => new { m.Id, m.ConversationId }).FirstOrDefaultAsync(ct);
        if (answer is null) return null;
        var q = await db.Messages.AsNoTracking().Where(m => m.ConversationId == answer.ConversationId && m.Role == MessageRole.User && m.Id < answer.Id)
            .OrderByDescending(m => m.Id).Select(m => new { m.PublicId, m.Content }).FirstOrDefaultAsync(ct);
        return q is null ? null : (q.PublicId, q.Content);
    }

    /// <summary>Adds the answer as a Q&amp;A source (queued for training at once) and takes the questions it answers off the list.</summary>
    public async Task<(Source? Source, string? Problem)> AnswerAsync(Chatbot bot, IReadOnlyCollection<Guid> questionIds, string? question, string? answer, CancellationToken ct)
    {
        var (source, problem) = await sources.AddQaAsync(bot, question, answer, ct);
        if (source is null) return (null, problem);
        var ids = await db.Messages.Where(m => questionIds.Contains(m.PublicId) && m.ChatbotId == bot.Id && m.Role == MessageRole.User).Select(m => m.Id).ToListAsync(ct);
        var done = (await db.AnswerFixes.Where(f => ids.Contains(f.QuestionMessageId)).Select(f => f.QuestionMessageId).ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow();
        foreach (var id in ids.Where(i => !done.Contains(i)))
            db.AnswerFixes.Add(new AnswerFix { ChatbotId = bot.Id, QuestionMessageId = id, SourceId = source.Id, ResolvedAt = now, ResolvedBy = me.Membership?.UserId });
        audit.Record("knowledge.unanswered_answered", "Source", source.Id.ToString(), source.Title, null, new { Questions = ids.Count });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.ChangeTracker.Clear(); } // answered at the same moment by someone else: the source stands, the list is right either way
        return (source, null);
    }
}

/// <summary>Groups visitor questions that ask the same thing: most of their words (stemmed, without stop words) are the same.</summary>
public static class QuestionClusters
{
    /// <summary>The groups, in the order their first member appears (give the newest first to have the newest wording lead).</summary>
    public static List<List<T>> Cluster<T>(IEnumerable<T> items, Func<T, string> text)
    {
        var groups = new List<(HashSet<string> Terms, List<T> Members)>();
        var seen = new Dictionary<string, int>(); // a wording met before joins its group without being analysed again
        foreach (var item in items)
        {
            var t = text(item);
            var normal = Normal(t);
            if (seen.TryGetValue(normal, out var known)) { groups[known].Members.Add(item); continue; }
            var terms = KeywordText.QueryTerms(t).ToHashSet();
            var home = groups.FindIndex(g => Similar(g.Terms, terms) || (terms.Count == 0 && string.Equals(Normal(text(g.Members[0])), normal)));
            if (home < 0) { groups.Add((terms, [item])); home = groups.Count - 1; }
            else groups[home].Members.Add(item);
            seen[normal] = home;
        }
        return groups.Select(g => g.Members).ToList();
    }

    /// <summary>The wording asked most often (the earliest given among equals).</summary>
    public static string Representative(IEnumerable<string> texts) => texts.GroupBy(Normal).OrderByDescending(x => x.Count()).First().First();

    /// <summary>Up to five different wordings.</summary>
    public static IReadOnlyList<string> Wordings(IEnumerable<string> texts) => texts.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Take(5).ToList();

    private static bool Similar(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0) return false;
        var shared = a.Count(b.Contains);
        return shared * 2 >= Math.Max(a.Count, b.Count) && shared >= Math.Min(2, Math.Min(a.Count, b.Count));
    }

    private static string Normal(string s) => new string(s.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c == ' ').ToArray());
}
