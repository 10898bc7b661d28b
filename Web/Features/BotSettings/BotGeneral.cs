using System.ComponentModel.DataAnnotations;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.BotSettings;

/// <summary>How a bot answers (seed 000's chatbot_settings_general). One row per bot; a bot without one uses the defaults.</summary>
public class BotGeneral : ITenantOwned, IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }

    /// <summary>One of the plan's allowed models; "extractive" is the embedded answerer that needs no AI model.</summary>
    [StringLength(100)] public string Model { get; set; } = "extractive";
    [Range(0, 20, ErrorMessage = "Send between 0 and 20 earlier messages."), Display(Name = "Earlier messages sent with each question")] public int HistoryMessages { get; set; } = 6;
    /// <summary>The page the visitor is on goes into the prompt.</summary>
    public bool PageContext { get; set; } = true;
    public bool SmartFollowUps { get; set; } = true;
    /// <summary>Plan-gated (Premium): visitors start a new conversation after this many messages.</summary>
    public bool LimitMessages { get; set; }
    [Range(1, 500, ErrorMessage = "The limit is between 1 and 500 messages."), Display(Name = "Messages per conversation")] public int MaxMessages { get; set; } = 50;
    public DateTimeOffset UpdatedAt { get; set; }

    public BotGeneral Copy() => (BotGeneral)MemberwiseClone();
}
