using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Webhooks;

/// <summary>How an endpoint is written to: Parley's signed JSON, or a Slack incoming webhook's message.</summary>
public enum WebhookFormat { Json, Slack }
public enum DeliveryStatus { Pending, Succeeded, Failed }

/// <summary>The events a workspace may subscribe to.</summary>
public static class WebhookEvents
{
    public const string LeadCreated = "lead.created", ConversationEscalated = "conversation.escalated", ConversationResolved = "conversation.resolved",
        MessageCreated = "message.created", SourceReady = "source.ready", SourceFailed = "source.failed";
    public static readonly string[] All = [LeadCreated, ConversationEscalated, ConversationResolved, MessageCreated, SourceReady, SourceFailed];
    /// <summary>What Slack is told of: a visitor asking for a person, and a new lead.</summary>
    public static readonly string[] Slack = [ConversationEscalated, LeadCreated];
}

/// <summary>
/// Something that happened, written in the same unit of work as the change itself (the outbox): the dispatcher turns it
/// into one delivery per subscribed endpoint after the change is committed, never inside anyone's request.
/// </summary>
public class WebhookEvent : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid EventId { get; set; } = Guid.CreateVersion7();
    public required string Type { get; set; }
    public Guid? ChatbotId { get; set; }
    /// <summary>The event's data as JSON (snake_case).</summary>
    public required string Data { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Where a workspace's events go: an https URL with its signing secret and the events it wants (or a bot's Slack channel).</summary>
public class WebhookEndpoint : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Url { get; set; }
    public string Description { get; set; } = "";
    public required string Secret { get; set; }
    /// <summary>The subscribed events, each between bars ("|lead.created|source.ready|").</summary>
    public string Events { get; set; } = "";
    public WebhookFormat Format { get; set; }
    /// <summary>Only this bot's events (Slack channels are per bot); null for every bot.</summary>
    public Guid? ChatbotId { get; set; }
    public bool Enabled { get; set; } = true;
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public IEnumerable<string> EventList => Events.Split('|', StringSplitOptions.RemoveEmptyEntries);
    public bool Wants(string type, Guid? bot) => Enabled && Events.Contains($"|{type}|") && (ChatbotId is null || ChatbotId == bot);
    public static string JoinEvents(IEnumerable<string> events) => "|" + string.Join("|", events) + "|";
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}

/// <summary>One event sent (or to be sent) to one endpoint, with its attempts: retried with backoff, redeliverable by hand.</summary>
public class WebhookDelivery : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid EndpointId { get; set; }
    public Guid EventId { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>Adds an event to the caller's unit of work; it is sent once that unit commits. Nothing is sent from here.</summary>
public static class WebhookOutbox
{
    public static void Raise(AppDbContext db, string type, Guid? chatbotId, object data, DateTimeOffset at) =>
        db.Add(new WebhookEvent { Type = type, ChatbotId = chatbotId, Data = JsonSerializer.Serialize(data, Api.ApiResults.Json), CreatedAt = at });

    /// <summary>A message a visitor, the bot or a person wrote in a widget or API conversation (notes and activity lines are not sent).</summary>
    public static void MessageCreated(AppDbContext db, Chat.Message m) =>
        Raise(db, WebhookEvents.MessageCreated, m.ChatbotId, new
        {
            conversation_id = m.ConversationId,
            message = new { id = m.PublicId, role = m.Role, content = m.Content, author = m.AgentName, created_at = m.CreatedAt },
        }, m.CreatedAt);

    public static void SourceFinished(AppDbContext db, Knowledge.Sources.Source s, DateTimeOffset at) =>
        Raise(db, s.Status == Knowledge.Sources.SourceStatus.Ready ? WebhookEvents.SourceReady : WebhookEvents.SourceFailed, s.ChatbotId,
            new { source_id = s.Id, title = s.Title, status = s.Status, pages = s.Pages, error = s.Error }, at);
}

internal sealed class WebhookEventMapping : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> e)
    {
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Type).HasMaxLength(40);
    }
}

internal sealed class WebhookEndpointMapping : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> e)
    {
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Url).HasMaxLength(2048);
        e.Property(x => x.Description).HasMaxLength(200);
        e.Property(x => x.Secret).HasMaxLength(80);
        e.Property(x => x.Events).HasMaxLength(400);
        e.Property(x => x.Format).HasConversion<string>().HasMaxLength(10);
        e.Property(x => x.DisabledReason).HasMaxLength(300);
        e.HasOne<Bots.Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryMapping : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> e)
    {
        e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        e.HasIndex(x => new { x.TenantId, x.CreatedAt });
        e.HasIndex(x => x.EndpointId);
        e.Property(x => x.Type).HasMaxLength(40);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
        e.Property(x => x.LastError).HasMaxLength(500);
        e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
    }
}
