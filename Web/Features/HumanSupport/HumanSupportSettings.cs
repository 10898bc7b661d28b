using System.ComponentModel.DataAnnotations;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.HumanSupport;

/// <summary>Whether and how a visitor can ask for a person (seed 000's human_support_settings). One row per bot; none means off.</summary>
public class HumanSupportSettings : ITenantOwned, Features.BotSettings.IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }

    public bool Enabled { get; set; }
    /// <summary>The escalation buttons take the place of starters, follow-up prompts and suggestions after an answer.</summary>
    public bool ReplaceSuggestions { get; set; }
    [Required(ErrorMessage = "Give the \"that helped\" button a label."), StringLength(60), Display(Name = "\"That helped\" button")]
    public string PositivePrompt { get; set; } = "That helped, thanks!";
    [Required(ErrorMessage = "Give the \"talk to a person\" button a label."), StringLength(60), Display(Name = "\"Talk to a person\" button")]
    public string RequestPrompt { get; set; } = "Talk to a person";
    /// <summary>Shown in the conversation once it is handed over; empty uses the locale's "switched to a person" text.</summary>
    [StringLength(500), Display(Name = "Confirmation message")] public string Confirmation { get; set; } = "";
    public bool Notify { get; set; }
    [StringLength(1000)] public string NotifyEmails { get; set; } = "";
    /// <summary>The escalation is mailed when no member who can see the bot has had the inbox open for this long (0: at once).</summary>
    [Range(0, 1440, ErrorMessage = "Use 0 to 1,440 minutes."), Display(Name = "Mail when nobody is in the inbox for")]
    public int NotifyAfterMinutes { get; set; } = 5;
    public DateTimeOffset UpdatedAt { get; set; }

    public IEnumerable<string> Recipients() => Leads.LeadSettings.Split(NotifyEmails);
    public HumanSupportSettings Copy() => (HumanSupportSettings)MemberwiseClone();
}
