using System.Security.Cryptography;
using System.Text;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Chat;

/// <summary>Someone chatting through a bot's widget (seed 000's chatting_customers): anonymous until they share details.</summary>
public class Visitor : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    /// <summary>SHA-256 of the token the widget keeps in its own (partitioned) storage; the token itself is never stored.</summary>
    public required string TokenHash { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    /// <summary>Set for the dashboard playground's stand-in visitor of one member; such visitors never use the widget.</summary>
    public Guid? PlaygroundUserId { get; set; }
    /// <summary>When they first shared their details through the lead form (a lead from then on).</summary>
    public DateTimeOffset? LeadAt { get; set; }
    /// <summary>The lead form's extra fields, by field name, as JSON.</summary>
    public string? LeadFields { get; set; }
    /// <summary>The conversation they shared their details in.</summary>
    public Guid? LeadConversationId { get; set; }
    /// <summary>The browser's preferred language ("pt-BR"), as last seen, for the team's visitor card.</summary>
    public string? Language { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    public static string NewToken() => "vis_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}

/// <summary>Where a conversation stands (Chatwoot's statuses): open, waiting for a person, snoozed until a time, or resolved.</summary>
public enum ConversationStatus { Open, Pending, Snoozed, Resolved }
/// <summary>Who answers the visitor: the bot, or a person once one has taken over (until they hand it back).</summary>
public enum Responder { Bot, Human }
/// <summary>Where a conversation happens: the widget on a site, the dashboard's playground, or the public API.</summary>
public enum ConversationChannel { Widget, Playground, Api }

/// <summary>One conversation of a visitor with a bot (seed 000's threads), with its place in the team's inbox.</summary>
public class Conversation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public Guid VisitorId { get; set; }
    public ConversationChannel Channel { get; set; }
    public ConversationStatus Status { get; set; }
    public Responder Responder { get; set; }
    /// <summary>The member answering it, if any.</summary>
    public Guid? AssigneeId { get; set; }
    public string Title { get; set; } = "";
    /// <summary>The site the widget was on (a verified domain's host), for history per domain.</summary>
    public string? DomainHost { get; set; }
    public string? PageUrl { get; set; }
    public string? PageTitle { get; set; }
    /// <summary>When the visitor first asked for a person.</summary>
    public DateTimeOffset? EscalatedAt { get; set; }
    /// <summary>Since when the visitor has been waiting for a person's reply (null while nobody owes one).</summary>
    public DateTimeOffset? WaitingSince { get; set; }
    /// <summary>A person's first reply after the visitor asked for one (first-response time = this − EscalatedAt).</summary>
    public DateTimeOffset? FirstReplyAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? SnoozedUntil { get; set; }
    public bool Important { get; set; }
    /// <summary>Labels, each between bars ("|billing|refund|"), so one tag is found with a plain LIKE.</summary>
    public string Tags { get; set; } = "";
    /// <summary>When the visitor last wrote, and when a member last read the conversation: newer writing is unread.</summary>
    public DateTimeOffset? LastIncomingAt { get; set; }
    public DateTimeOffset? AgentLastSeenAt { get; set; }
    /// <summary>When the lead form was offered in this conversation (it is offered once).</summary>
    public DateTimeOffset? LeadAskedAt { get; set; }
    /// <summary>The visitor's 1-5 satisfaction rating once resolved (seed 002's conversation_ratings), with their comment.</summary>
    public int? Rating { get; set; }
    public string? RatingComment { get; set; }
    public DateTimeOffset? RatedAt { get; set; }
    public int MessageCount { get; set; }
    public int PositiveCount { get; set; }
    public int NegativeCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastMessageAt { get; set; }

    /// <summary>Conversations with real visitors (the widget and the API), which count in figures; the playground's do not.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Conversation, bool>> Counted =
        c => new[] { ConversationChannel.Widget, ConversationChannel.Api }.Contains(c.Channel);

    public bool Unread => LastIncomingAt is { } at && (AgentLastSeenAt is null || AgentLastSeenAt < at);
    public IEnumerable<string> TagList => Tags.Split('|', StringSplitOptions.RemoveEmptyEntries);
    public static string JoinTags(IReadOnlyCollection<string> tags) => tags.Count == 0 ? "" : "|" + string.Join("|", tags) + "|";
}

/// <summary>
/// Who wrote a message: the visitor, the bot, a member (agent), an activity line (escalated, assigned, resolved…) or a
/// member's private note. Notes and internal activity never reach the visitor; only visitor, bot and agent messages reach the model.
/// </summary>
public enum MessageRole { User, Assistant, Agent, Activity, Note }
public enum MessageStatus { Complete, Pending, Failed }
public enum Reaction { None, Positive, Negative }

/// <summary>One message of a conversation, with what produced it (seed 000's messages).</summary>
public class Message : ITenantOwned
{
    public long Id { get; set; }
    /// <summary>The id a message goes by in URLs (feedback, retry): random, so nobody can count or guess messages.</summary>
    public Guid PublicId { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid ChatbotId { get; set; }
    public MessageRole Role { get; set; }
    public MessageStatus Status { get; set; } = MessageStatus.Complete;
    /// <summary>Shown to the team only: private notes, and activity lines not meant for the visitor.</summary>
    public bool Internal { get; set; }
    /// <summary>The member who wrote an agent message or note, or caused an activity, and their name as shown then.</summary>
    public Guid? AgentId { get; set; }
    public string? AgentName { get; set; }
    public string Content { get; set; } = "";
    public string? Model { get; set; }
    public int TokensIn { get; set; }
    public int TokensOut { get; set; }
    public int? ResponseMs { get; set; }
    /// <summary>The passages the answer cites, as JSON (title, page, url, chunk id).</summary>
    public string? Sources { get; set; }
    /// <summary>Suggested follow-up questions, one per line.</summary>
    public string? FollowUps { get; set; }
    public Reaction Reaction { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>What a visitor may see of a conversation.</summary>
    public static System.Linq.Expressions.Expression<Func<Message, bool>> ForVisitor => m => !m.Internal && m.Role != MessageRole.Note;
}

/// <summary>Messages answered in a calendar month (seed 000's usage_tracking), and whether the owner was told the limit was reached.</summary>
public class UsagePeriod : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    /// <summary>"2026-11".</summary>
    public required string Period { get; set; }
    public int Messages { get; set; }
    public DateTimeOffset? LimitNoticeSentAt { get; set; }
    /// <summary>When the owner was told 80% of the month's messages were used (once a month).</summary>
    public DateTimeOffset? NearLimitNoticeSentAt { get; set; }
}

/// <summary>Messages and tokens per model per month (seed 000's llm_model_usage).</summary>
public class ModelUsage : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Period { get; set; }
    public required string Model { get; set; }
    public int Messages { get; set; }
    public long TokensIn { get; set; }
    public long TokensOut { get; set; }
}

/// <summary>The verified domains a bot's widget may run on (seed 001: register chatbot with domains).</summary>
public class BotDomain : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public Guid DomainId { get; set; }
}

/// <summary>A failure worth an operator's attention (DESIGN.md's SystemError), kept with what it concerned.</summary>
public class SystemError
{
    public long Id { get; set; }
    public Guid? TenantId { get; set; }
    public required string Service { get; set; }
    public required string Stage { get; set; }
    public string Severity { get; set; } = "error";
    public required string Message { get; set; }
    public string? Reference { get; set; }
    public bool Retryable { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}
