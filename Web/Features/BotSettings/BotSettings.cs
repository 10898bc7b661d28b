using System.ComponentModel.DataAnnotations;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.BotSettings;

public enum IconSize { Small, Medium, Large }
public enum IconPosition { Right, Left }

/// <summary>How a bot's widget looks (seed 000's user_chatbot_appearance_ui). One row per bot; a bot without one uses the defaults.</summary>
public class BotAppearance : ITenantOwned, IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }

    [StringLength(100), Display(Name = "Name shown in the chat")] public string? DisplayName { get; set; }
    [StringLength(120), Display(Name = "Tooltip")] public string Tooltip { get; set; } = "Questions? Ask me!";
    [StringLength(500), Display(Name = "Welcome message")] public string WelcomeMessage { get; set; } = "";
    [StringLength(120), Display(Name = "Input placeholder")] public string Placeholder { get; set; } = "Ask a question…";
    [RegularExpression(HexColor.Pattern, ErrorMessage = HexColor.Message), Display(Name = "Brand colour")] public string BrandColor { get; set; } = "#4f46e5";
    [RegularExpression(HexColor.Pattern, ErrorMessage = HexColor.Message), Display(Name = "Text colour on the brand colour")] public string BrandTextColor { get; set; } = "#ffffff";
    [RegularExpression(HexColor.Pattern, ErrorMessage = HexColor.Message), Display(Name = "Link colour")] public string LinkColor { get; set; } = "#4f46e5";
    /// <summary>The launcher's colour (seed 000's brand_icon_bg_color); empty uses the brand colour.</summary>
    [DisplayFormat(ConvertEmptyStringToNull = false), RegularExpression(HexColor.OptionalPattern, ErrorMessage = HexColor.Message), Display(Name = "Launcher colour")] public string IconColor { get; set; } = "";
    public string LauncherColor => IconColor is { Length: > 0 } ? IconColor : BrandColor;
    [Range(12, 20, ErrorMessage = "Font size is between 12 and 20 px."), Display(Name = "Font size (px)")] public int FontSize { get; set; } = 14;
    [Range(50, 100, ErrorMessage = "Chat height is between 50 and 100 % of the window."), Display(Name = "Chat height (% of the window)")] public int ChatHeight { get; set; } = 80;
    public IconSize IconSize { get; set; } = IconSize.Medium;
    public IconPosition Position { get; set; } = IconPosition.Right;
    [Range(0, 200, ErrorMessage = "Distances are between 0 and 200 px."), Display(Name = "Distance from the bottom (px)")] public int BottomDistance { get; set; } = 20;
    [Range(0, 200, ErrorMessage = "Distances are between 0 and 200 px."), Display(Name = "Distance from the side (px)")] public int SideDistance { get; set; } = 20;
    public bool DarkMode { get; set; }
    public bool RightToLeft { get; set; }
    /// <summary>Plan-gated (RemoveBranding).</summary>
    public bool HideBranding { get; set; }
    /// <summary>Show uploaded icons as they are; off draws the brand colour behind them (seed 000's show_background, for transparent PNGs).</summary>
    public bool PlainIcons { get; set; }
    /// <summary>The customer's own mark in the widget's footer (seed 000's watermark_brand_*); plan-gated (CustomWatermark).</summary>
    [StringLength(60), DisplayFormat(ConvertEmptyStringToNull = false), Display(Name = "Watermark text")] public string WatermarkText { get; set; } = "";
    [StringLength(2048), DisplayFormat(ConvertEmptyStringToNull = false), Display(Name = "Watermark link")] public string WatermarkUrl { get; set; } = "";
    /// <summary>Blob paths of uploaded icons (set through <see cref="BotIcons"/>, never from the form).</summary>
    public string? BotIcon { get; set; }
    public string? UserIcon { get; set; }
    public string? AgentIcon { get; set; }
    public string? BubbleIcon { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public BotAppearance Copy() => (BotAppearance)MemberwiseClone();
}

public static class HexColor
{
    public const string Pattern = "^#[0-9a-fA-F]{6}$";
    public const string OptionalPattern = "^(#[0-9a-fA-F]{6})?$";
    public const string Message = "Use a colour like #4f46e5.";
}
