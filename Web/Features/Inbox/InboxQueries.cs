using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Workspaces;

namespace Parley.Features.Inbox;

/// <summary>The inbox's views (Chatwoot's folders): what is mine, unassigned, waiting for a person, all open, snoozed, resolved.</summary>
public enum InboxView { Mine, Unassigned, Waiting, Open, Snoozed, Resolved }

public sealed record InboxFilter(InboxView View, string? Bot, string? Domain, string? Tag, string? Q)
{
    /// <summary>The filter as query string (for links and the list's refresh).</summary>
    public string Query(InboxView? view = null) =>
        $"view={view ?? View}&bot={Uri.EscapeDataString(Bot ?? "")}&domain={Uri.EscapeDataString(Domain ?? "")}&tag={Uri.EscapeDataString(Tag ?? "")}&q={Uri.EscapeDataString(Q ?? "")}";
}

public sealed record InboxRow(Conversation Conversation, string BotName, string Visitor, string? LastMessage, string? Assignee);
public sealed record InboxList(InboxFilter Filter, IReadOnlyList<InboxRow> Rows, IReadOnlyDictionary<InboxView, int> Counts, IReadOnlyList<Chatbot> Bots,
    IReadOnlyList<string> Domains, IReadOnlyList<string> Tags, Guid? Selected);
public sealed record Teammate(Guid UserId, string Name);

/// <summary>
/// What the inbox shows, always within the bots the member may see (every bot for Owners and Admins, assigned bots for
/// Managers and Agents) and only widget conversations (the playground is the team's own testing).
/// </summary>
public sealed class InboxQueries(AppDbContext db, BotAccess access, CurrentMember me)
{
    public const int PageSize = 50;
    public Guid UserId => me.Membership?.UserId ?? Guid.Empty;

    public IQueryable<Conversation> Visible()
    {
        var bots = access.Visible().Select(b => b.Id);
        return db.Conversations.Where(c => c.Channel == ConversationChannel.Widget && bots.Contains(c.ChatbotId));
    }

    public Task<Conversation?> FindAsync(Guid id, CancellationToken ct) => Visible().FirstOrDefaultAsync(c => c.Id == id, ct);

    private IQueryable<Conversation> In(IQueryable<Conversation> q, InboxView view)
    {
        var me = UserId;
        return view switch
        {
            InboxView.Mine => q.Where(c => c.AssigneeId == me && (c.Status == ConversationStatus.Open || c.Status == ConversationStatus.Pending)),
            InboxView.Unassigned => q.Where(c => c.AssigneeId == null && (c.Status == ConversationStatus.Pending || (c.Status == ConversationStatus.Open && c.Responder == Responder.Human))),
            InboxView.Waiting => q.Where(c => c.Status == ConversationStatus.Pending),
            InboxView.Snoozed => q.Where(c => c.Status == ConversationStatus.Snoozed),
            InboxView.Resolved => q.Where(c => c.Status == ConversationStatus.Resolved),
            _ => q.Where(c => c.Status == ConversationStatus.Open || c.Status == ConversationStatus.Pending),
        };
    }

    public async Task<InboxList> ListAsync(InboxFilter f, Guid? selected, CancellationToken ct)
    {
        var bots = await access.Visible().AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct);
        var q = Visible();
        if (bots.FirstOrDefault(b => b.PublicId == f.Bot) is { } bot) q = q.Where(c => c.ChatbotId == bot.Id);
        if (f.Domain is { Length: > 0 } domain) q = q.Where(c => c.DomainHost == domain);
        if (f.Tag is { Length: > 0 } tag) { var bar = $"|{tag}|"; q = q.Where(c => c.Tags.Contains(bar)); }
        if (f.Q?.Trim() is { Length: > 0 } text)
        {
            var like = $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            q = q.Where(c => EF.Functions.Like(c.Title, like, "\\")
                || db.Visitors.Any(v => v.Id == c.VisitorId && (EF.Functions.Like(v.Name!, like, "\\") || EF.Functions.Like(v.Email!, like, "\\")))
                || db.Messages.Any(m => m.ConversationId == c.Id && EF.Functions.Like(m.Content, like, "\\")));
        }
        var counts = new Dictionary<InboxView, int>();
        foreach (var view in Enum.GetValues<InboxView>()) counts[view] = await In(q, view).CountAsync(ct);
        // Longest waiting first, then the most recent.
        var page = await In(q, f.View).AsNoTracking().OrderBy(c => c.WaitingSince == null).ThenBy(c => c.WaitingSince).ThenByDescending(c => c.LastMessageAt).Take(PageSize)
            .Select(c => new
            {
                Conversation = c,
                Visitor = db.Visitors.Where(v => v.Id == c.VisitorId).Select(v => v.Name ?? v.Email).FirstOrDefault(),
                Last = db.Messages.Where(m => m.ConversationId == c.Id && m.Role != MessageRole.Activity).OrderByDescending(m => m.Id).Select(m => m.Content).FirstOrDefault(),
                Assignee = db.Users.Where(u => u.Id == c.AssigneeId).Select(u => u.FullName).FirstOrDefault(),
            }).ToListAsync(ct);
        var names = bots.ToDictionary(b => b.Id, b => b.Name);
        var rows = page.Select(r => new InboxRow(r.Conversation, names.GetValueOrDefault(r.Conversation.ChatbotId, ""), r.Visitor ?? "Visitor " + r.Conversation.VisitorId.ToString()[^4..],
            Snippet(r.Last), r.Assignee)).ToList();
        var domains = await Visible().Where(c => c.DomainHost != null).Select(c => c.DomainHost!).Distinct().OrderBy(d => d).Take(100).ToListAsync(ct);
        var tags = (await Visible().Where(c => c.Tags != "").Select(c => c.Tags).Distinct().Take(500).ToListAsync(ct))
            .SelectMany(t => t.Split('|', StringSplitOptions.RemoveEmptyEntries)).Distinct().Order().ToList();
        return new InboxList(f, rows, counts, bots, domains, tags, selected);
    }

    public static string Duration(TimeSpan d) =>
        d.TotalMinutes < 1 ? $"{(int)d.TotalSeconds} s" : d.TotalHours < 1 ? $"{(int)d.TotalMinutes} min" : d.TotalDays < 1 ? $"{(int)d.TotalHours} h {d.Minutes} min" : $"{(int)d.TotalDays} d {d.Hours} h";

    /// <summary>A line of plain text for the list: Markdown marks and line breaks gone.</summary>
    public static string? Snippet(string? text)
    {
        if (text is null) return null;
        var plain = System.Text.RegularExpressions.Regex.Replace(text, @"[*_`#>\[\]]|\(\s*https?://[^)]*\)", "").ReplaceLineEndings(" ").Trim();
        return plain.Length > 120 ? plain[..119] + "…" : plain;
    }

    /// <summary>Members who can answer a conversation of this bot: Owners and Admins, and those assigned to it.</summary>
    public async Task<List<Teammate>> TeammatesAsync(Guid botId, CancellationToken ct) =>
        (await db.Memberships.Where(m => m.LeftAt == null && (m.Role == Role.Owner || m.Role == Role.Admin || db.BotAssignments.Any(a => a.UserId == m.UserId && a.ChatbotId == botId)))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.FullName, u.Email }).ToListAsync(ct))
            .Select(u => new Teammate(u.Id, u.FullName.Length > 0 ? u.FullName : u.Email ?? "Member")).OrderBy(t => t.Name).ToList();

    public Task<List<Message>> MessagesAsync(Guid conversationId, long after, CancellationToken ct) =>
        db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId && m.Id > after).OrderBy(m => m.Id).Take(500).ToListAsync(ct);

    /// <summary>The visitor's other conversations with the workspace's bots the member may see, newest first.</summary>
    public Task<List<Conversation>> EarlierAsync(Conversation c, CancellationToken ct) =>
        Visible().AsNoTracking().Where(x => x.VisitorId == c.VisitorId && x.Id != c.Id).OrderByDescending(x => x.LastMessageAt).Take(10).ToListAsync(ct);

    public Task<Visitor?> VisitorAsync(Guid id, CancellationToken ct) => db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);
    public async Task<string> BotNameAsync(Guid botId, CancellationToken ct) => await db.Chatbots.Where(b => b.Id == botId).Select(b => b.Name).FirstOrDefaultAsync(ct) ?? "";
    public Task<long?> MessageIdAsync(Guid conversationId, Guid publicId, CancellationToken ct) =>
        db.Messages.Where(m => m.ConversationId == conversationId && m.PublicId == publicId).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);

    public Task<List<SavedReply>> SavedRepliesAsync(CancellationToken ct) => db.SavedReplies.AsNoTracking().OrderBy(r => r.Shortcut).ToListAsync(ct);
}
