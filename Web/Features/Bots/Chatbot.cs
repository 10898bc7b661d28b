using System.Security.Cryptography;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Bots;

/// <summary>What a bot is for (seed 001's chatbot_type); it picks sensible defaults for later settings.</summary>
public enum BotType
{
    Support, Sales, Onboarding, Feedback, Booking, ECommerce, InternalAssistant, KnowledgeBase,
    Marketing, Event, Education, Healthcare, Entertainment, News, Custom,
}

public enum BotStatus { Enabled, Disabled }
public enum TrainingStatus { Untrained, Training, Ready, Failed }

public class Chatbot : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    /// <summary>The id in URLs and the embed snippet: random, never sequential.</summary>
    public string PublicId { get; set; } = NewPublicId();
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public BotType Type { get; set; } = BotType.Support;
    public BotStatus Status { get; set; } = BotStatus.Enabled;
    public TrainingStatus TrainingStatus { get; set; } = TrainingStatus.Untrained;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastTrainedAt { get; set; }
    /// <summary>Moves whenever the bot's indexed chunks change; search caches compare it.</summary>
    public long KnowledgeVersion { get; set; }
    /// <summary>Moves whenever one of the bot's settings rows is written, so caches of them (the widget's) know to reload.</summary>
    public long SettingsVersion { get; set; }
    /// <summary>The last page origin the launcher refused to appear on (not one of the bot's verified domains), for the Embed page to explain.</summary>
    public string? LastRefusedOrigin { get; set; }
    public DateTimeOffset? LastRefusedAt { get; set; }

    public static string NewPublicId() => "bot_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    public static string Label(BotType t) => t switch
    {
        BotType.ECommerce => "E-commerce",
        BotType.InternalAssistant => "Internal assistant",
        BotType.KnowledgeBase => "Knowledge base",
        _ => t.ToString(),
    };
}

/// <summary>A Manager or Agent may see and work on this bot. Owners and Admins see every bot without rows here.</summary>
public class BotAssignment : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public Guid UserId { get; set; }
}
