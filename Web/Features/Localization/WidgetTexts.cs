using System.Globalization;

namespace Parley.Features.Localization;

/// <summary>One text of the widget a bot owner may translate, in the screen's group.</summary>
public sealed record TextKey(string Key, string Group, string Label);

/// <summary>
/// Every text the widget shows, by key (seed 000's chatbot_settings_localization_texts, plus the few the widget
/// needs beyond it), with the translations Parley ships: English, Spanish, and Arabic (right to left).
/// </summary>
public static class WidgetTexts
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
        new("unavailable", "Widget", "Unavailable"),
        new("unavailable_description", "Widget", "Unavailable description"),
        new("loading", "Widget", "Loading"),
        new("your_message", "Widget", "Message box label"),
        new("send", "Widget", "Send button"),
        new("close", "Widget", "Close button"),
        new("back", "Widget", "Back button"),
        new("sources", "Widget", "Sources"),
        new("helpful", "Widget", "Helpful"),
        new("not_helpful", "Widget", "Not helpful"),
        new("answer_failed", "Widget", "Answer failed"),
        new("try_again", "Widget", "Try again"),
        new("terms_required", "Widget", "Terms not ticked"),
        new("too_fast", "Widget", "Sending too fast ({seconds} is the wait)"),
        new("quota_reached", "Widget", "Monthly limit reached"),
        new("powered_by", "Widget", "Powered by"),
    ];

    public static readonly IReadOnlySet<string> KeySet = Keys.Select(k => k.Key).ToHashSet();

    private static readonly Dictionary<string, string> En = new()
    {
        ["home_title"] = "Hi there!",
        ["home_description"] = "Ask me anything and I'll answer from what I've been taught.",
        ["add_details"] = "Add your details",
        ["start_conversation"] = "Start a conversation",
        ["starting"] = "Starting…",
        ["messages_title"] = "Your conversations",
        ["messages_description"] = "Pick up where you left off.",
        ["no_messages"] = "No conversations yet.",
        ["verify_email_message"] = "Verify your email to see your conversations on other devices.",
        ["conversation_history_info"] = "Your conversations are kept on this device.",
        ["bot_label"] = "Assistant",
        ["you_label"] = "You",
        ["agent_label"] = "Support team",
        ["escalate_confirmation"] = "Talk to a person?",
        ["escalate_description"] = "We'll pass this conversation to our team. They'll reply here as soon as they can.",
        ["yes_continue"] = "Yes, continue",
        ["cancel"] = "Cancel",
        ["switched_to_human"] = "You're now chatting with our team. Someone will reply here shortly.",
        ["start_new_conversation"] = "New conversation",
        ["max_messages_title"] = "Message limit reached",
        ["max_messages_description"] = "This conversation has reached its message limit. Start a new conversation to keep going.",
        ["connected"] = "Connected",
        ["disconnected"] = "Disconnected",
        ["connecting"] = "Connecting…",
        ["disconnecting"] = "Disconnecting…",
        ["reconnect"] = "Reconnect",
        ["account_title"] = "Your details",
        ["verify_email_title"] = "Verify your email",
        ["verify_email_description"] = "We'll send a code to your email address.",
        ["email_label"] = "Email",
        ["name_label"] = "Name",
        ["phone_label"] = "Phone",
        ["submit_button"] = "Submit",
        ["sending_otp"] = "Sending code…",
        ["verify_otp"] = "Verify code",
        ["otp_sent_message"] = "We've sent a code to your email.",
        ["otp_label"] = "Code",
        ["verify_continue"] = "Verify and continue",
        ["resend_otp"] = "Send a new code",
        ["edit_details"] = "Edit details",
        ["resetting"] = "Resetting…",
        ["verifying"] = "Verifying…",
        ["logout"] = "Log out",
        ["logging_out"] = "Logging out…",
        ["verified"] = "Verified",
        ["edit"] = "Edit",
        ["update"] = "Update",
        ["updating"] = "Updating…",
        ["lead_form_title"] = "Can we stay in touch?",
        ["lead_form_description"] = "Leave your details and we'll get back to you.",
        ["form_heading"] = "Your details",
        ["form_submitted_message"] = "Thanks! We've got your details and will be in touch soon.",
        ["continue_button"] = "Continue chatting",
        ["submitting_text"] = "Sending…",
        ["input_disabled_placeholder"] = "Please fill in the form above first",
        ["not_now"] = "Not now",
        ["book_meeting"] = "Book a time",
        ["nav_home"] = "Home",
        ["nav_messages"] = "Conversations",
        ["expand"] = "Expand",
        ["refresh"] = "Refresh",
        ["placeholder"] = "Ask a question…",
        ["positive_prompt"] = "That helped, thanks!",
        ["request_human"] = "Talk to a person",
        ["status_line"] = "Typically answers instantly",
        ["human_status_line"] = "Chatting with our team",
        ["unavailable"] = "This assistant is unavailable right now.",
        ["unavailable_description"] = "Please try again later, or contact the site owner another way.",
        ["loading"] = "Loading…",
        ["your_message"] = "Your message",
        ["send"] = "Send",
        ["close"] = "Close chat",
        ["back"] = "Back to start",
        ["sources"] = "Sources",
        ["helpful"] = "Helpful",
        ["not_helpful"] = "Not helpful",
        ["answer_failed"] = "Sorry, I couldn't answer just now. Your message is saved.",
        ["try_again"] = "Try again",
        ["terms_required"] = "Please tick the box to accept the terms before your first message.",
        ["too_fast"] = "You're sending messages very fast. Please wait {seconds} seconds and try again.",
        ["quota_reached"] = "Thanks for your message! This assistant has reached its limit for the month, so it can't answer right now. Your message has been saved for the team.",
        ["powered_by"] = "Powered by",
    };

    private static readonly Dictionary<string, string> Es = new()
    {
        ["home_title"] = "¡Hola!",
        ["home_description"] = "Pregúntame lo que quieras y te responderé con lo que he aprendido.",
        ["add_details"] = "Añade tus datos",
        ["start_conversation"] = "Iniciar una conversación",
        ["starting"] = "Iniciando…",
        ["messages_title"] = "Tus conversaciones",
        ["messages_description"] = "Continúa donde lo dejaste.",
        ["no_messages"] = "Todavía no hay conversaciones.",
        ["verify_email_message"] = "Verifica tu correo para ver tus conversaciones en otros dispositivos.",
        ["conversation_history_info"] = "Tus conversaciones se guardan en este dispositivo.",
        ["bot_label"] = "Asistente",
        ["you_label"] = "Tú",
        ["agent_label"] = "Equipo de soporte",
        ["escalate_confirmation"] = "¿Hablar con una persona?",
        ["escalate_description"] = "Pasaremos esta conversación a nuestro equipo. Te responderán aquí lo antes posible.",
        ["yes_continue"] = "Sí, continuar",
        ["cancel"] = "Cancelar",
        ["switched_to_human"] = "Ahora hablas con nuestro equipo. Alguien te responderá aquí en breve.",
        ["start_new_conversation"] = "Nueva conversación",
        ["max_messages_title"] = "Límite de mensajes alcanzado",
        ["max_messages_description"] = "Esta conversación ha alcanzado su límite de mensajes. Inicia una nueva conversación para continuar.",
        ["connected"] = "Conectado",
        ["disconnected"] = "Desconectado",
        ["connecting"] = "Conectando…",
        ["disconnecting"] = "Desconectando…",
        ["reconnect"] = "Reconectar",
        ["account_title"] = "Tus datos",
        ["verify_email_title"] = "Verifica tu correo",
        ["verify_email_description"] = "Te enviaremos un código a tu dirección de correo.",
        ["email_label"] = "Correo electrónico",
        ["name_label"] = "Nombre",
        ["phone_label"] = "Teléfono",
        ["submit_button"] = "Enviar",
        ["sending_otp"] = "Enviando código…",
        ["verify_otp"] = "Verificar código",
        ["otp_sent_message"] = "Te hemos enviado un código por correo.",
        ["otp_label"] = "Código",
        ["verify_continue"] = "Verificar y continuar",
        ["resend_otp"] = "Enviar un código nuevo",
        ["edit_details"] = "Editar datos",
        ["resetting"] = "Restableciendo…",
        ["verifying"] = "Verificando…",
        ["logout"] = "Cerrar sesión",
        ["logging_out"] = "Cerrando sesión…",
        ["verified"] = "Verificado",
        ["edit"] = "Editar",
        ["update"] = "Actualizar",
        ["updating"] = "Actualizando…",
        ["lead_form_title"] = "¿Seguimos en contacto?",
        ["lead_form_description"] = "Déjanos tus datos y te contactaremos.",
        ["form_heading"] = "Tus datos",
        ["form_submitted_message"] = "¡Gracias! Hemos recibido tus datos y te contactaremos pronto.",
        ["continue_button"] = "Seguir conversando",
        ["submitting_text"] = "Enviando…",
        ["input_disabled_placeholder"] = "Primero completa el formulario de arriba",
        ["not_now"] = "Ahora no",
        ["book_meeting"] = "Reservar una cita",
        ["nav_home"] = "Inicio",
        ["nav_messages"] = "Conversaciones",
        ["expand"] = "Ampliar",
        ["refresh"] = "Recargar",
        ["placeholder"] = "Haz una pregunta…",
        ["positive_prompt"] = "¡Me ha servido, gracias!",
        ["request_human"] = "Hablar con una persona",
        ["status_line"] = "Suele responder al instante",
        ["human_status_line"] = "Hablando con nuestro equipo",
        ["unavailable"] = "Este asistente no está disponible en este momento.",
        ["unavailable_description"] = "Inténtalo más tarde o contacta con el propietario del sitio por otra vía.",
        ["loading"] = "Cargando…",
        ["your_message"] = "Tu mensaje",
        ["send"] = "Enviar",
        ["close"] = "Cerrar el chat",
        ["back"] = "Volver al inicio",
        ["sources"] = "Fuentes",
        ["helpful"] = "Útil",
        ["not_helpful"] = "No es útil",
        ["answer_failed"] = "Lo siento, no he podido responder ahora. Tu mensaje está guardado.",
        ["try_again"] = "Reintentar",
        ["terms_required"] = "Marca la casilla para aceptar las condiciones antes de tu primer mensaje.",
        ["too_fast"] = "Estás enviando mensajes muy rápido. Espera {seconds} segundos y vuelve a intentarlo.",
        ["quota_reached"] = "¡Gracias por tu mensaje! Este asistente ha alcanzado su límite del mes y no puede responder ahora. Tu mensaje se ha guardado para el equipo.",
        ["powered_by"] = "Con la tecnología de",
    };

    private static readonly Dictionary<string, string> Ar = new()
    {
        ["home_title"] = "مرحبًا!",
        ["home_description"] = "اسألني أي شيء وسأجيبك مما تعلّمته.",
        ["add_details"] = "أضف بياناتك",
        ["start_conversation"] = "ابدأ محادثة",
        ["starting"] = "جارٍ البدء…",
        ["messages_title"] = "محادثاتك",
        ["messages_description"] = "تابع من حيث توقفت.",
        ["no_messages"] = "لا توجد محادثات بعد.",
        ["verify_email_message"] = "أكّد بريدك الإلكتروني لرؤية محادثاتك على أجهزة أخرى.",
        ["conversation_history_info"] = "تُحفظ محادثاتك على هذا الجهاز.",
        ["bot_label"] = "المساعد",
        ["you_label"] = "أنت",
        ["agent_label"] = "فريق الدعم",
        ["escalate_confirmation"] = "هل تريد التحدث مع شخص؟",
        ["escalate_description"] = "سننقل هذه المحادثة إلى فريقنا، وسيردّون عليك هنا في أقرب وقت.",
        ["yes_continue"] = "نعم، متابعة",
        ["cancel"] = "إلغاء",
        ["switched_to_human"] = "أنت الآن تتحدث مع فريقنا. سيردّ عليك أحدهم هنا قريبًا.",
        ["start_new_conversation"] = "محادثة جديدة",
        ["max_messages_title"] = "تم بلوغ حد الرسائل",
        ["max_messages_description"] = "وصلت هذه المحادثة إلى الحد الأقصى للرسائل. ابدأ محادثة جديدة للمتابعة.",
        ["connected"] = "متصل",
        ["disconnected"] = "غير متصل",
        ["connecting"] = "جارٍ الاتصال…",
        ["disconnecting"] = "جارٍ قطع الاتصال…",
        ["reconnect"] = "إعادة الاتصال",
        ["account_title"] = "بياناتك",
        ["verify_email_title"] = "تأكيد البريد الإلكتروني",
        ["verify_email_description"] = "سنرسل رمزًا إلى بريدك الإلكتروني.",
        ["email_label"] = "البريد الإلكتروني",
        ["name_label"] = "الاسم",
        ["phone_label"] = "الهاتف",
        ["submit_button"] = "إرسال",
        ["sending_otp"] = "جارٍ إرسال الرمز…",
        ["verify_otp"] = "تأكيد الرمز",
        ["otp_sent_message"] = "أرسلنا رمزًا إلى بريدك الإلكتروني.",
        ["otp_label"] = "الرمز",
        ["verify_continue"] = "تأكيد ومتابعة",
        ["resend_otp"] = "إرسال رمز جديد",
        ["edit_details"] = "تعديل البيانات",
        ["resetting"] = "جارٍ إعادة التعيين…",
        ["verifying"] = "جارٍ التحقق…",
        ["logout"] = "تسجيل الخروج",
        ["logging_out"] = "جارٍ تسجيل الخروج…",
        ["verified"] = "تم التأكيد",
        ["edit"] = "تعديل",
        ["update"] = "تحديث",
        ["updating"] = "جارٍ التحديث…",
        ["lead_form_title"] = "هل نبقى على تواصل؟",
        ["lead_form_description"] = "اترك بياناتك وسنتواصل معك.",
        ["form_heading"] = "بياناتك",
        ["form_submitted_message"] = "شكرًا! وصلتنا بياناتك وسنتواصل معك قريبًا.",
        ["continue_button"] = "متابعة المحادثة",
        ["submitting_text"] = "جارٍ الإرسال…",
        ["input_disabled_placeholder"] = "يُرجى تعبئة النموذج أعلاه أولًا",
        ["not_now"] = "ليس الآن",
        ["book_meeting"] = "احجز موعدًا",
        ["nav_home"] = "الرئيسية",
        ["nav_messages"] = "المحادثات",
        ["expand"] = "تكبير",
        ["refresh"] = "تحديث",
        ["placeholder"] = "اطرح سؤالًا…",
        ["positive_prompt"] = "أفادني ذلك، شكرًا!",
        ["request_human"] = "التحدث مع شخص",
        ["status_line"] = "يردّ عادةً على الفور",
        ["human_status_line"] = "تتحدث مع فريقنا",
        ["unavailable"] = "هذا المساعد غير متاح حاليًا.",
        ["unavailable_description"] = "يُرجى المحاولة لاحقًا، أو التواصل مع صاحب الموقع بطريقة أخرى.",
        ["loading"] = "جارٍ التحميل…",
        ["your_message"] = "رسالتك",
        ["send"] = "إرسال",
        ["close"] = "إغلاق المحادثة",
        ["back"] = "العودة إلى البداية",
        ["sources"] = "المصادر",
        ["helpful"] = "مفيد",
        ["not_helpful"] = "غير مفيد",
        ["answer_failed"] = "عذرًا، لم أتمكن من الإجابة الآن. رسالتك محفوظة.",
        ["try_again"] = "حاول مجددًا",
        ["terms_required"] = "يُرجى تحديد المربع للموافقة على الشروط قبل رسالتك الأولى.",
        ["too_fast"] = "أنت ترسل الرسائل بسرعة كبيرة. يُرجى الانتظار {seconds} ثانية ثم المحاولة مجددًا.",
        ["quota_reached"] = "شكرًا على رسالتك! بلغ هذا المساعد حدّه لهذا الشهر، لذا لا يمكنه الإجابة الآن. حُفظت رسالتك للفريق.",
        ["powered_by"] = "مدعوم من",
    };

    /// <summary>The translations Parley ships, by locale code.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Shipped =
        new Dictionary<string, IReadOnlyDictionary<string, string>> { [English] = En, ["es"] = Es, ["ar"] = Ar };

    /// <summary>The shipped text for a key in a locale (its language, then English).</summary>
    public static string Default(string locale, string key) =>
        Shipped.TryGetValue(locale, out var t) && t.TryGetValue(key, out var v) ? v
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

    public static readonly Texts English = new(WidgetTexts.English);
}
