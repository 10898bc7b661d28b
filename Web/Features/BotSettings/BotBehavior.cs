using System.ComponentModel.DataAnnotations;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.BotSettings;

/// <summary>How a bot's widget behaves (seed 000's user_chatbot_behavior). One row per bot; a bot without one uses the defaults.</summary>
public class BotBehavior : ITenantOwned, IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }

    public bool HideSources { get; set; }
    public bool HideTooltip { get; set; }
    public bool HideFeedback { get; set; }
    /// <summary>Visitors see "answered without an AI model" under answers of the extractive answerer (the playground always shows it).</summary>
    public bool ShowNoModelNote { get; set; }
    /// <summary>The Home / Conversations tabs at the bottom of the widget's home view.</summary>
    public bool HideBottomNav { get; set; }
    public bool HideRefresh { get; set; }
    public bool HideExpand { get; set; }
    /// <summary>No home view: the widget opens on the latest conversation, or a new one.</summary>
    public bool HideHomePage { get; set; }
    /// <summary>With no conversation yet, open a new one straight away instead of the home view (seed 000's stay_on_home_page, off).</summary>
    public bool OpenNewConversation { get; set; }
    /// <summary>Visitors tick a box agreeing to the terms before their first message.</summary>
    public bool RequireTerms { get; set; }
    [StringLength(300), Display(Name = "Terms checkbox text")] public string TermsText { get; set; } = "I agree to the terms of use and privacy policy.";
    [StringLength(300), Display(Name = "Disclaimer")] public string Disclaimer { get; set; } = "";
    public bool AutoOpenDesktop { get; set; }
    [Range(0, 120, ErrorMessage = "Delays are between 0 and 120 seconds."), Display(Name = "Desktop delay (s)")] public int AutoOpenDesktopDelay { get; set; } = 5;
    public bool AutoOpenMobile { get; set; }
    [Range(0, 120, ErrorMessage = "Delays are between 0 and 120 seconds."), Display(Name = "Mobile delay (s)")] public int AutoOpenMobileDelay { get; set; } = 10;
    [Range(0, 5, ErrorMessage = "Show between 0 and 5 follow-up suggestions."), Display(Name = "Follow-up suggestions")] public int FollowUpCount { get; set; } = 3;
    public DateTimeOffset UpdatedAt { get; set; }

    public BotBehavior Copy() => (BotBehavior)MemberwiseClone();
}
