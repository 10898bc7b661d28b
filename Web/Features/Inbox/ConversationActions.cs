using Parley.Features.Chat;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Live;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Inbox;

/// <summary>The member acting in the inbox, with the name the visitor and the team see on what they do.</summary>
public sealed record Agent(Guid UserId, string Name);

/// <summary>
/// What a member does to a conversation in the inbox. Each action changes the conversation, adds its activity line (shown
/// to the visitor only where it concerns them) and raises its live events in one save: the events are published after
/// it commits. A reply or taking over stops the bot until the conversation is handed back.
/// </summary>
public sealed class ConversationActions(AppDbContext db, LiveEvents live, ITenantContext tenant, Hangfire.IBackgroundJobClient jobs, TimeProvider clock)
{
    public const int MaxLength = 4000;

    public async Task<string?> ReplyAsync(Conversation c, Agent me, string text, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length == 0) return "Write a reply first.";
        if (text.Length > MaxLength) return $"Replies can be up to {MaxLength:N0} characters.";
        var now = clock.GetUtcNow();
        var took = c.Responder == Responder.Bot;
        if (took) Activity(c, $"{me.Name} joined the conversation", forVisitor: true, me, now);
        var reply = new Message { Role = MessageRole.Agent, Content = text, AgentId = me.UserId, AgentName = me.Name, CreatedAt = now };
        Add(c, reply);
        Webhooks.WebhookOutbox.MessageCreated(db, reply);
        c.Responder = Responder.Human;
        c.Status = ConversationStatus.Open;
        (c.SnoozedUntil, c.ResolvedAt, c.WaitingSince) = (null, null, null);
        c.AssigneeId ??= me.UserId;
        c.FirstReplyAt ??= now;
        c.AgentLastSeenAt = now;
        await SaveAsync(c, now, ct, LiveKind.Message, LiveKind.State);
        return null;
    }

    public async Task<string?> NoteAsync(Conversation c, Agent me, string text, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length == 0) return "Write the note first.";
        if (text.Length > MaxLength) return $"Notes can be up to {MaxLength:N0} characters.";
        var now = clock.GetUtcNow();
        Add(c, new Message { Role = MessageRole.Note, Internal = true, Content = text, AgentId = me.UserId, AgentName = me.Name, CreatedAt = now });
        await SaveAsync(c, now, ct, LiveKind.Message);
        return null;
    }

    public Task TakeOverAsync(Conversation c, Agent me, CancellationToken ct)
    {
        if (c.Responder == Responder.Human && c.AssigneeId == me.UserId) return Task.CompletedTask;
        var now = clock.GetUtcNow();
        Activity(c, $"{me.Name} joined the conversation", forVisitor: true, me, now);
        c.Responder = Responder.Human;
        c.AssigneeId = me.UserId;
        if (c.Status is ConversationStatus.Snoozed or ConversationStatus.Resolved) (c.Status, c.SnoozedUntil, c.ResolvedAt) = (ConversationStatus.Open, null, null);
        else if (c.Status == ConversationStatus.Pending) c.Status = ConversationStatus.Open; // someone has it now; the visitor still waits for the reply
        return SaveAsync(c, now, ct, LiveKind.Message, LiveKind.State);
    }

    public Task HandBackAsync(Conversation c, Agent me, CancellationToken ct)
    {
        if (c.Responder == Responder.Bot) return Task.CompletedTask;
        var now = clock.GetUtcNow();
        Activity(c, "The assistant is answering again", forVisitor: true, me, now);
        (c.Responder, c.Status, c.AssigneeId, c.WaitingSince, c.SnoozedUntil) = (Responder.Bot, ConversationStatus.Open, null, null, null);
        return SaveAsync(c, now, ct, LiveKind.Message, LiveKind.State);
    }

    public Task AssignAsync(Conversation c, Agent me, Teammate? to, CancellationToken ct)
    {
        if (c.AssigneeId == to?.UserId) return Task.CompletedTask;
        var now = clock.GetUtcNow();
        Activity(c, to is null ? $"{me.Name} unassigned the conversation" : to.UserId == me.UserId ? $"{me.Name} took the conversation" : $"{me.Name} assigned the conversation to {to.Name}", forVisitor: false, me, now);
        c.AssigneeId = to?.UserId;
        return SaveAsync(c, now, ct, LiveKind.Message, LiveKind.State);
    }

    public async Task SnoozeAsync(Conversation c, Agent me, DateTimeOffset until, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Activity(c, $"{me.Name} snoozed the conversation until {until:d MMM HH:mm} UTC", forVisitor: false, me, now);
        (c.Status, c.SnoozedUntil) = (ConversationStatus.Snoozed, until);
        await SaveAsync(c, now, ct, LiveKind.Message, LiveKind.State);
        TenantJobs.Enqueue<ConversationActions>(jobs, tenant.TenantId!.Value, a => a.WakeAsync(c.Id, until), until);
    }

    /// <summary>The snooze is over (a job queued for its end): back to open, unless it was woken or snoozed again since.</summary>
    public async Task WakeAsync(Guid conversationId, DateTimeOffset until)
    {
        var c = await db.Conversations.FirstOrDefaultAsync(x => x.Id == conversationId && x.Status == ConversationStatus.Snoozed && x.SnoozedUntil == until);
        if (c is null) return;
        var now = clock.GetUtcNow();
        Activity(c, "The snooze ended", forVisitor: false, null, now);
        (c.Status, c.SnoozedUntil) = (c.WaitingSince is null ? ConversationStatus.Open : ConversationStatus.Pending, null);
        if (c.Responder == Responder.Human && c.AssigneeId is not null) c.Status = ConversationStatus.Open;
        await SaveAsync(c, now, CancellationToken.None, LiveKind.Message, LiveKind.State);
    }

    public Task ResolveAsync(Conversation c, Agent me, CancellationToken ct)
    {
        if (c.Status == ConversationStatus.Resolved) return Task.CompletedTask;
        var now = clock.GetUtcNow();
        Activity(c, $"{me.Name} resolved the conversation", forVisitor: true, me, now);
        (c.Status, c.ResolvedAt, c.WaitingSince, c.SnoozedUntil) = (ConversationStatus.Resolved, now, null, null);
        Webhooks.WebhookOutbox.Raise(db, Webhooks.WebhookEvents.ConversationResolved, c.ChatbotId, new { conversation_id = c.Id, title = c.Title, resolved_by = me.Name }, now);
        return SaveAsync(c, now, ct, LiveKind.Message, LiveKind.State);
    }

    public Task ReopenAsync(Conversation c, Agent me, CancellationToken ct)
    {
        if (c.Status != ConversationStatus.Resolved && c.Status != ConversationStatus.Snoozed) return Task.CompletedTask;
        var now = clock.GetUtcNow();
        Activity(c, $"{me.Name} reopened the conversation", forVisitor: c.Status == ConversationStatus.Resolved, me, now);
        (c.Status, c.ResolvedAt, c.SnoozedUntil) = (ConversationStatus.Open, null, null);
        return SaveAsync(c, now, ct, LiveKind.Message, LiveKind.State);
    }

    public Task MarkImportantAsync(Conversation c, bool important, CancellationToken ct)
    {
        if (c.Important == important) return Task.CompletedTask;
        c.Important = important;
        return SaveAsync(c, null, ct, LiveKind.State);
    }

    /// <summary>Sets the labels from what was typed ("billing, refund"): lowercase words, at most ten.</summary>
    public async Task<string?> TagAsync(Conversation c, string? typed, CancellationToken ct)
    {
        var tags = (typed ?? "").Split([',', ' ', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant()).Distinct().ToList();
        if (tags.Count > 10) return "Use at most ten tags.";
        if (tags.Any(t => t.Length > 30 || !t.All(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_'))) return "Tags are single words (letters, digits, - and _) of up to 30 characters.";
        c.Tags = Conversation.JoinTags(tags);
        if (db.Entry(c).Property(x => x.Tags).IsModified) await SaveAsync(c, null, ct, LiveKind.State);
        return null;
    }

    /// <summary>A member read the conversation: it is no longer unread for the team.</summary>
    public Task MarkSeenAsync(Conversation c, CancellationToken ct)
    {
        if (!c.Unread) return Task.CompletedTask;
        c.AgentLastSeenAt = clock.GetUtcNow();
        return SaveAsync(c, null, ct, LiveKind.State, toVisitor: false);
    }

    private void Add(Conversation c, Message m)
    {
        (m.ConversationId, m.ChatbotId) = (c.Id, c.ChatbotId);
        db.Messages.Add(m);
    }

    private void Activity(Conversation c, string text, bool forVisitor, Agent? me, DateTimeOffset now) =>
        Add(c, new Message { Role = MessageRole.Activity, Internal = !forVisitor, Content = text, AgentId = me?.UserId, AgentName = me?.Name, CreatedAt = now });

    /// <summary>
    /// Saves the conversation's changed columns, its new messages (counted with one statement, since the visitor may be
    /// writing too) and the live events, in one transaction. Internal-only changes are not sent to the visitor.
    /// </summary>
    private async Task SaveAsync(Conversation c, DateTimeOffset? messagesAt, CancellationToken ct, LiveKind first, LiveKind? second = null, bool toVisitor = true)
    {
        var added = db.ChangeTracker.Entries<Message>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        var anyVisible = added.Any(m => !m.Internal);
        foreach (var kind in second is { } s ? new[] { first, s } : [first])
        {
            var forVisitor = toVisitor && (kind == LiveKind.Message ? anyVisible : AffectsVisitor(c));
            live.Raise(new LiveEvent(kind, c.TenantId, c.ChatbotId, c.Id, c.VisitorId, ToVisitor: forVisitor, ToTeam: true));
        }
        await db.SaveAtomicallyAsync(async token =>
        {
            if (messagesAt is { } at && added.Count > 0)
                await db.Conversations.Where(x => x.Id == c.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.MessageCount, x => x.MessageCount + added.Count).SetProperty(x => x.LastMessageAt, at), token);
        }, ct);
    }

    /// <summary>Whether the visitor's widget shows something that changed: who answers, the agent, or that it is closed.</summary>
    private bool AffectsVisitor(Conversation c)
    {
        var e = db.Entry(c);
        return e.Property(x => x.Responder).IsModified || e.Property(x => x.AssigneeId).IsModified || e.Property(x => x.Status).IsModified;
    }
}
