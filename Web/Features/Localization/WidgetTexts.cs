using System.Globalization;

namespace Parley.Features.Localization;

/// <summary>One text of the widget a bot owner may translate, in the screen's group.</summary>
public sealed record TextKey(string Key, string Group, string Label);

/// <summary>
/// Every text the widget shows, by key (seed 000's chatbot_settings_localization_texts, plus the few the widget
/// needs beyond it), with the translations Parley ships: English, Spanish, and Arabic (right to left).
/// </summary>
public static partial class WidgetTexts
{
    public const string English = "en";

    public static readonly IReadOnlyList<TextKey> Keys =
    [
        new("home_title", "Home", "Home title"),
        new("home_description", "Home", "Home description"),
        new("add_details", "Home", "Add your details"),
        new("start_conversation", "Home", "Start a conversation"),
        new("starting", "Home", "Starting"),
        new("messages_title", "Messages", "Conversations title"),
        new("messages_description", "Messages", "Conversations description"),
        new("no_messages", "Messages", "No conversations yet"),
        new("verify_email_message", "Messages", "Verify your email (messages)"),
        new("conversation_history_info", "Messages", "Conversation history info"),
        new("bot_label", "Conversation", "Bot label"),
        new("you_label", "Conversation", "Visitor label"),
        new("agent_label", "Conversation", "Agent label"),
        new("escalate_confirmation", "Conversation", "Escalation question"),
        new("escalate_description", "Conversation", "Escalation description"),
        new("yes_continue", "Conversation", "Yes, continue"),
        new("cancel", "Conversation", "Cancel"),
        new("switched_to_human", "Conversation", "Switched to a person"),
        new("start_new_conversation", "Conversation", "Start a new conversation"),
        new("max_messages_title", "Conversation", "Message limit title"),
        new("max_messages_description", "Conversation", "Message limit description"),
        new("connected", "Status", "Connected"),
        new("disconnected", "Status", "Disconnected"),
        new("connecting", "Status", "Connecting"),
        new("disconnecting", "Status", "Disconnecting"),
        new("reconnect", "Status", "Reconnect"),
        new("account_title", "Account", "Account title"),
        new("verify_email_title", "Account", "Verify email title"),
        new("verify_email_description", "Account", "Verify email description"),
        new("email_label", "Account", "Email label"),
        new("name_label", "Account", "Name label"),
        new("phone_label", "Account", "Phone label"),
        new("submit_button", "Account", "Submit button"),
        new("sending_otp", "Account", "Sending code"),
        new("verify_otp", "Account", "Verify code"),
        new("otp_sent_message", "Account", "Code sent"),
        new("otp_label", "Account", "Code label"),
        new("verify_continue", "Account", "Verify and continue"),
        new("resend_otp", "Account", "Resend code"),
        new("edit_details", "Account", "Edit details"),
        new("resetting", "Account", "Resetting"),
        new("verifying", "Account", "Verifying"),
        new("logout", "Account", "Log out"),
        new("logging_out", "Account", "Logging out"),
        new("verified", "Account", "Verified"),
        new("edit", "Account", "Edit"),
        new("update", "Account", "Update"),
        new("updating", "Account", "Updating"),
        new("lead_form_title", "Lead form", "Lead form title"),
        new("lead_form_description", "Lead form", "Lead form description"),
        new("form_heading", "Lead form", "Form heading"),
        new("form_submitted_message", "Lead form", "Submitted message"),
        new("continue_button", "Lead form", "Continue button"),
        new("submitting_text", "Lead form", "Submitting"),
        new("input_disabled_placeholder", "Lead form", "Message box while the form is open"),
        new("not_now", "Lead form", "Not now"),
        new("book_meeting", "Lead form", "Booking link"),
        new("nav_home", "Widget", "Home tab"),
        new("nav_messages", "Widget", "Conversations tab"),
        new("expand", "Widget", "Expand button"),
        new("refresh", "Widget", "Refresh button"),
        new("placeholder", "Widget", "Message box placeholder"),
        new("positive_prompt", "Widget", "\"That helped\" button"),
        new("request_human", "Widget", "\"Talk to a person\" button"),
        new("status_line", "Widget", "Header status line"),
        new("human_status_line", "Widget", "Header status line with a person"),
        new("agent_replies_soon", "Widget", "Header status line once a person has taken over"),
        new("typing", "Widget", "Someone is typing"),
        new("conversation_closed", "Widget", "The conversation was resolved"),
        new("rate_conversation", "Widget", "Rating question"),
        new("rating_comment", "Widget", "Rating comment box"),
        new("send_rating", "Widget", "Send rating button"),
        new("rating_thanks", "Widget", "Thanks for the rating"),
        new("conversation_closed_write", "Widget", "Writing in a closed conversation"),
        new("unavailable", "Widget", "Unavailable"),
        new("unavailable_description", "Widget", "Unavailable description"),
        new("loading", "Widget", "Loading"),
        new("your_message", "Widget", "Message box label"),
        new("send", "Widget", "Send button"),
        new("close", "Widget", "Close button"),
        new("back", "Widget", "Back button"),
        new("sources", "Widget", "Sources"),
        new("no_model", "Widget", "Answered without an AI model"),
        new("helpful", "Widget", "Helpful"),
        new("not_helpful", "Widget", "Not helpful"),
        new("answer_failed", "Widget", "Answer failed"),
        new("try_again", "Widget", "Try again"),
        new("terms_required", "Widget", "Terms not ticked"),
        new("too_fast", "Widget", "Sending too fast ({seconds} is the wait)"),
        new("already_answered", "Widget", "Try again on a question that has its answer"),
        new("quota_reached", "Widget", "Monthly limit reached"),
        new("powered_by", "Widget", "Powered by"),
    ];

    /// <summary>
    /// The owner's own words per language: empty unless set, in which case visitors reading that language get them
    /// instead of the welcome message (Appearance) and the disclaimer (Behavior) written for the bot's main language.
    /// </summary>
    public static readonly IReadOnlyList<TextKey> ContentKeys =
    [
        new("welcome_message", "Your content", "Welcome message"),
        new("disclaimer", "Your content", "Disclaimer under the message box"),
    ];

    public static readonly IReadOnlySet<string> KeySet = Keys.Concat(ContentKeys).Select(k => k.Key).ToHashSet();
    private static readonly IReadOnlySet<string> ContentKeySet = ContentKeys.Select(k => k.Key).ToHashSet();

    /// <summary>The shipped text for a key in a locale (its language, then English).</summary>
    public static string Default(string locale, string key) =>
        ContentKeySet.Contains(key) ? ""
        : Shipped.TryGetValue(locale, out var t) && t.TryGetValue(key, out var v) ? v
        : Shipped.TryGetValue(Language(locale), out var l) && l.TryGetValue(key, out var lv) ? lv
        : En.GetValueOrDefault(key, key);

    public static string Language(string locale) => locale.Split('-')[0];

    /// <summary>A locale code .NET knows (en, pt-BR, ar…), normalised; null when it is not one.</summary>
    public static string? Normalize(string? code)
    {
        code = code?.Trim().Replace('_', '-');
        if (string.IsNullOrEmpty(code) || code.Length > 10 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return null;
        try
        {
            var culture = CultureInfo.GetCultureInfo(code, predefinedOnly: true);
            return culture.Name.Length == 0 ? null : culture.Name;
        }
        catch (CultureNotFoundException) { return null; }
    }

    private static readonly HashSet<string> RtlLanguages = ["ar", "he", "fa", "ur", "ps", "yi", "dv", "sd", "ug", "ckb"];

    public static bool IsRightToLeft(string locale)
    {
        if (RtlLanguages.Contains(Language(locale).ToLowerInvariant())) return true;
        try { return CultureInfo.GetCultureInfo(locale).TextInfo.IsRightToLeft; }
        catch (CultureNotFoundException) { return false; }
    }

    public static string EnglishName(string locale)
    {
        try { return CultureInfo.GetCultureInfo(locale).EnglishName; }
        catch (CultureNotFoundException) { return locale; }
    }

    public static string DisplayName(string locale)
    {
        try
        {
            var c = CultureInfo.GetCultureInfo(locale);
            var native = c.NativeName;
            return string.Equals(native, c.EnglishName, StringComparison.OrdinalIgnoreCase) ? c.EnglishName : $"{c.EnglishName} · {native}";
        }
        catch (CultureNotFoundException) { return locale; }
    }
}

/// <summary>The widget's texts in one locale: the bot's own wording where it has one, else the shipped text.</summary>
public sealed class Texts(string locale, IReadOnlyDictionary<string, string>? custom = null)
{
    public string Locale { get; } = locale;
    public bool RightToLeft { get; } = WidgetTexts.IsRightToLeft(locale);
    public string this[string key] => custom is not null && custom.TryGetValue(key, out var v) && v.Length > 0 ? v : WidgetTexts.Default(Locale, key);
    /// <summary>The owner's own wording for a key in this language, or null.</summary>
    public string? Own(string key) => custom is not null && custom.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

    public static readonly Texts English = new(WidgetTexts.English);
}
