using Parley.Infrastructure.Tenancy;

namespace Parley.Features.BotSettings;

public enum StarterKind { Button, Link }

/// <summary>Where a prompt button shows: on the home view (conversation starters) or after the latest answer (follow-up prompts).</summary>
public enum StarterPlacement { Home, AfterAnswer }

/// <summary>A button that sends a message, or a link: a conversation starter on the home view, or a follow-up prompt after answers (seed 000's chatbot_conversation_starters and follow_up_prompts).</summary>
public class ConversationStarter : ITenantOwned, IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public StarterPlacement Placement { get; set; }
    public int Position { get; set; }
    public StarterKind Kind { get; set; }
    /// <summary>The button's title or the link's text.</summary>
    public required string Title { get; set; }
    /// <summary>What a button sends.</summary>
    public string? Message { get; set; }
    public string? Url { get; set; }
    /// <summary>The language (a locale the bot offers) whose visitors see it, or null for every language.</summary>
    public string? Locale { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Whether visitors reading <paramref name="locale"/> see it: written for every language, or for theirs.</summary>
    public bool ShowsIn(string locale) => Locale is null || string.Equals(Locale, locale, StringComparison.OrdinalIgnoreCase);
}
