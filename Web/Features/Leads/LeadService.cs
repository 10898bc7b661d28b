using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Infrastructure.Email;

namespace Parley.Features.Leads;

/// <summary>One value the visitor typed into the lead form, under its label.</summary>
public sealed record LeadValue(string Name, string Label, string Value);

/// <summary>
/// Lead collection: the bot's settings (saved with an audit row), the decision to offer the form after an answer,
/// and the visitor's submission, which makes them a lead and tells the addresses the bot notifies.
/// </summary>
public sealed partial class LeadService(AppDbContext db, AuditTrail audit, IEmailSender mail, TimeProvider clock)
{
    /// <summary>Words that show a visitor is ready to buy, book or be contacted (the "shows interest" trigger).</summary>
    public static readonly string[] InterestWords =
    [
        "price", "prices", "pricing", "cost", "costs", "quote", "estimate", "buy", "purchase", "order", "demo", "trial", "sign up", "subscribe",
        "book", "booking", "appointment", "schedule", "consultation", "contact", "call me", "call back", "sales", "hire", "interested", "available",
    ];

    public async Task<LeadSettings> SettingsAsync(Guid chatbotId, CancellationToken ct) =>
        await db.LeadSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ChatbotId == chatbotId, ct) ?? new LeadSettings { ChatbotId = chatbotId };

    public async Task SaveAsync(Chatbot bot, LeadSettings input, List<LeadField> fields, CancellationToken ct)
    {
        var row = await db.LeadSettings.FirstOrDefaultAsync(s => s.ChatbotId == bot.Id, ct);
        var before = row?.Copy() ?? new LeadSettings { ChatbotId = bot.Id };
        if (row is null) db.LeadSettings.Add(row = new LeadSettings { ChatbotId = bot.Id });
        (row.Enabled, row.CollectName, row.CollectPhone, row.Industry, row.Trigger, row.AfterMessages) =
            (input.Enabled, input.CollectName, input.CollectPhone, LeadTemplate.Find(input.Industry)?.Key ?? "custom", input.Trigger, input.AfterMessages);
        row.TriggerKeywords = string.Join(", ", LeadSettings.Split(input.TriggerKeywords ?? ""));
        row.Fields = fields;
        (row.BookingEnabled, row.BookingUrl) = (input.BookingEnabled, input.BookingUrl?.Trim() ?? "");
        (row.Notify, row.NotifyEmails) = (input.Notify, string.Join(", ", LeadSettings.Split(input.NotifyEmails ?? "")));
        BotSettings.SettingsStamp.Stamp(db, row, input.UpdatedAt, clock.GetUtcNow());
        var changes = AuditDiff.Of(before, row);
        if (changes.Before.Count > 0) audit.Record("bot.leads_changed", "Chatbot", bot.PublicId, bot.Name, changes.Before, changes.After);
        await db.SaveChangesAsync(ct);
        input.UpdatedAt = row.UpdatedAt; // the form shows the new stamp
    }

    /// <summary>
    /// The custom fields as typed on the screen, checked: blank rows and rows marked for removal left out, names made
    /// from labels when empty, unique, and not one of the built-in fields. Problems are keyed by the row's index.
    /// </summary>
    public static (List<LeadField> Fields, Dictionary<int, string> Problems) CleanFields(IReadOnlyList<LeadField> rows)
    {
        var fields = new List<LeadField>();
        var problems = new Dictionary<int, string>();
        var names = new HashSet<string>(["name", "email", "phone"]);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r.Remove || (string.IsNullOrWhiteSpace(r.Label) && string.IsNullOrWhiteSpace(r.Name))) continue;
            var label = r.Label?.Trim() ?? "";
            var name = string.IsNullOrWhiteSpace(r.Name) ? Slug(label) : r.Name.Trim().ToLowerInvariant();
            if (label.Length is 0 or > 60) problems[i] = "Give the field a label of up to 60 characters.";
            else if (!FieldName().IsMatch(name)) problems[i] = "Field names use lowercase letters, digits and underscores, starting with a letter.";
            else if (!names.Add(name)) problems[i] = $"Another field is already called \"{name}\".";
            else if ((r.Placeholder?.Length ?? 0) > 100) problems[i] = "Placeholders are up to 100 characters.";
            fields.Add(new LeadField { Label = label, Name = name, Type = r.Type, Required = r.Required, Placeholder = r.Placeholder?.Trim() ?? "" });
        }
        if (fields.Count > 10) problems[rows.Count] = "A form has at most 10 extra fields.";
        return (fields, problems);
    }

    private static string Slug(string label)
    {
        var sb = new StringBuilder();
        foreach (var c in label.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
        }
        var s = sb.ToString().Trim('_');
        if (s.Length > 40) s = s[..40].TrimEnd('_');
        return s.Length > 0 && char.IsAsciiLetter(s[0]) ? s : "field_" + s;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")] private static partial Regex FieldName();

    public static bool Mentions(string text, string phrase) =>
        phrase.Length > 0 && Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(phrase)}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    /// <summary>
    /// Whether the lead form follows this answer: collection on, the visitor not yet a lead, not offered before in the
    /// conversation, and a trigger keyword in the question or the bot's trigger fired. Offering is recorded, once.
    /// </summary>
    public async Task<LeadSettings?> OfferAsync(Conversation conversation, Message question, Message answer, CancellationToken ct)
    {
        var s = await SettingsAsync(conversation.ChatbotId, ct);
        if (!s.Enabled || conversation.LeadAskedAt is not null || conversation.Responder == Responder.Human) return null;
        if (await db.Visitors.AnyAsync(v => v.Id == conversation.VisitorId && v.LeadAt != null, ct)) return null;
        var fire = s.Keywords().Any(k => Mentions(question.Content, k)) || s.Trigger switch
        {
            LeadTrigger.Interest => InterestWords.Any(w => Mentions(question.Content, w)),
            LeadTrigger.Unanswered => ChatService.SourcesOf(answer).Count == 0,
            _ => await db.Messages.CountAsync(m => m.ConversationId == conversation.Id && m.Role == MessageRole.User, ct) >= s.AfterMessages,
        };
        if (!fire) return null;
        var claimed = await db.Conversations.Where(c => c.Id == conversation.Id && c.LeadAskedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadAskedAt, clock.GetUtcNow()), ct);
        return claimed == 1 ? s : null;
    }

    /// <summary>
    /// Checks the form and, when it is right, makes the visitor a lead (or updates their details) and emails the
    /// notified addresses with a link to the conversation. Problems are keyed by the form field's name.
    /// </summary>
    public async Task<Dictionary<string, string>> SubmitAsync(Chatbot bot, Visitor visitor, Conversation conversation, IFormCollection form, string conversationUrl, CancellationToken ct)
    {
        var s = await SettingsAsync(bot.Id, ct);
        var problems = new Dictionary<string, string>();
        string Get(string name) => form[name].ToString().Trim();
        // Names, addresses and phones are one line: control characters (a CR/LF typed or pasted) become spaces.
        string Line(string name) => new string(Get(name).Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        var name = s.CollectName ? Line("name") : "";
        var email = Line("email");
        var phone = s.CollectPhone ? Line("phone") : "";
        if (s.CollectName && name.Length == 0) problems["name"] = "Please tell us your name.";
        if (name.Length > 200) problems["name"] = "That name is too long.";
        if (!ValidEmail(email)) problems["email"] = "Please enter an email address like name@example.com.";
        if (phone.Length > 0 && !ValidPhone(phone)) problems["phone"] = "Please enter a phone number with 6 to 15 digits.";
        var values = new Dictionary<string, string>();
        foreach (var f in s.Fields)
        {
            var v = f.Type == LeadFieldType.LongText ? Get("f_" + f.Name) : Line("f_" + f.Name);
            if (v.Length == 0) { if (f.Required) problems["f_" + f.Name] = $"Please fill in {f.Label}."; continue; }
            var problem = f.Type switch
            {
                _ when v.Length > (f.Type == LeadFieldType.LongText ? 2000 : 300) => "That is too long.",
                LeadFieldType.Email when !ValidEmail(v) => "Please enter an email address like name@example.com.",
                LeadFieldType.Phone when !ValidPhone(v) => "Please enter a phone number with 6 to 15 digits.",
                LeadFieldType.Number when !decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out _) => "Please enter a number.",
                LeadFieldType.Date when !DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) => "Please pick a date.",
                _ => null,
            };
            if (problem is not null) problems["f_" + f.Name] = problem;
            else values[f.Name] = v;
        }
        if (problems.Count > 0) return problems;

        var row = await db.Visitors.FirstAsync(v => v.Id == visitor.Id, ct);
        var now = clock.GetUtcNow();
        if (name.Length > 0) row.Name = name;
        row.Email = email;
        if (phone.Length > 0) row.Phone = phone;
        var merged = row.LeadFields is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : [];
        foreach (var (k, v) in values) merged[k] = v;
        row.LeadFields = merged.Count > 0 ? JsonSerializer.Serialize(merged) : null;
        var isNew = row.LeadAt is null;
        row.LeadAt ??= now;
        row.LeadConversationId = conversation.Id;
        if (isNew)
            Webhooks.WebhookOutbox.Raise(db, Webhooks.WebhookEvents.LeadCreated, bot.Id, new
            {
                visitor_id = row.Id, name = row.Name, email = row.Email, phone = row.Phone, fields = merged, conversation_id = conversation.Id,
            }, now);
        await db.SaveChangesAsync(ct);

        if (s.Notify)
        {
            var shown = new List<LeadValue>();
            if (name.Length > 0) shown.Add(new("name", "Name", name));
            shown.Add(new("email", "Email", email));
            if (phone.Length > 0) shown.Add(new("phone", "Phone", phone));
            shown.AddRange(s.Fields.Where(f => values.ContainsKey(f.Name)).Select(f => new LeadValue(f.Name, f.Label, values[f.Name])));
            await NotifyAsync(bot, s, shown, isNew, conversationUrl, ct);
        }
        return problems;
    }

    private async Task NotifyAsync(Chatbot bot, LeadSettings s, List<LeadValue> values, bool isNew, string conversationUrl, CancellationToken ct)
    {
        var who = values.FirstOrDefault(v => v.Name == "name")?.Value ?? values.First(v => v.Name == "email").Value;
        var subject = $"{(isNew ? "New lead" : "Lead updated")} from {bot.Name}: {who}";
        var text = new StringBuilder($"{who} shared their details with {bot.Name}.\n\n");
        foreach (var v in values) text.Append($"{v.Label}: {v.Value}\n");
        text.Append($"\nRead the conversation: {conversationUrl}\n");
        var html = new StringBuilder($"<p><strong>{WebUtility.HtmlEncode(who)}</strong> shared their details with {WebUtility.HtmlEncode(bot.Name)}.</p><table>");
        foreach (var v in values) html.Append($"<tr><th align=\"left\" style=\"padding-right:12px\">{WebUtility.HtmlEncode(v.Label)}</th><td>{WebUtility.HtmlEncode(v.Value)}</td></tr>");
        html.Append($"</table><p><a href=\"{WebUtility.HtmlEncode(conversationUrl)}\">Read the conversation</a></p>");
        await SendAllAsync(s.Recipients(), subject, text.ToString(), html.ToString(), ct);
    }

    /// <summary>Queues one mail per address; the outbox delivers and retries each on its own, so one bad address never stops the others.</summary>
    public async Task SendAllAsync(IEnumerable<string> recipients, string subject, string text, string html, CancellationToken ct)
    {
        foreach (var to in recipients) await mail.SendAsync(new EmailMessage(to, subject, text, html), ct);
    }

    public static bool ValidEmail(string value) =>
        value.Length is > 3 and <= 256 && MailAddress.TryCreate(value, out var a) && a.Address == value && a.Host.Contains('.') && !a.Host.EndsWith('.');

    public static bool ValidPhone(string value) =>
        value.Length <= 30 && value.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.') && value.Count(char.IsAsciiDigit) is >= 6 and <= 15;

    /// <summary>Checks a list of notification addresses typed on a settings screen; returns the first bad one.</summary>
    public static string? BadAddress(string? list) => LeadSettings.Split(list ?? "").FirstOrDefault(a => !ValidEmail(a));
}
