using Parley.Infrastructure.Tenancy;

namespace Parley.Features.BotSettings;

public enum StarterKind { Button, Link }

/// <summary>A button that sends a message, or a link, on the widget's home view (seed 000's chatbot_conversation_starters).</summary>
public class ConversationStarter : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public int Position { get; set; }
    public StarterKind Kind { get; set; }
    /// <summary>The button's title or the link's text.</summary>
    public required string Title { get; set; }
    /// <summary>What a button sends.</summary>
    public string? Message { get; set; }
    public string? Url { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
