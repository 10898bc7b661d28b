using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Leads;

/// <summary>When the widget asks for the visitor's details (besides the trigger keywords, which always ask).</summary>
public enum LeadTrigger { Interest, Unanswered, AfterMessages }

public enum LeadFieldType { Text, Email, Phone, Number, Date, LongText }

/// <summary>An extra field of the lead form (seed 000's customer_form_feild).</summary>
public sealed class LeadField
{
    public string Label { get; set; } = "";
    public string Name { get; set; } = "";
    public LeadFieldType Type { get; set; }
    public bool Required { get; set; }
    public string Placeholder { get; set; } = "";
    /// <summary>Ticked on the screen to take the field out.</summary>
    public bool Remove { get; set; }
}

/// <summary>How a bot collects leads (seed 000's leads_settings). One row per bot; a bot without one collects none.</summary>
public class LeadSettings : ITenantOwned, Features.BotSettings.IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }

    public bool Enabled { get; set; }
    public bool CollectName { get; set; } = true;
    public bool CollectPhone { get; set; }
    /// <summary>Email is always asked for: it is how the business gets back to the visitor.</summary>
    public string Industry { get; set; } = "custom";
    public LeadTrigger Trigger { get; set; } = LeadTrigger.AfterMessages;
    [Range(1, 50, ErrorMessage = "Ask after 1 to 50 messages."), Display(Name = "Messages before asking")] public int AfterMessages { get; set; } = 3;
    /// <summary>Words or phrases, one per line or comma-separated, that bring the form up whatever the trigger.</summary>
    [StringLength(1000)] public string TriggerKeywords { get; set; } = "";
    public string FieldsJson { get; set; } = "[]";
    public bool BookingEnabled { get; set; }
    [StringLength(2048)] public string BookingUrl { get; set; } = "";
    public bool Notify { get; set; }
    /// <summary>Addresses told of each new lead, comma-separated.</summary>
    [StringLength(1000)] public string NotifyEmails { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    public List<LeadField> Fields
    {
        get => JsonSerializer.Deserialize<List<LeadField>>(FieldsJson) ?? [];
        set => FieldsJson = JsonSerializer.Serialize(value.Select(f => new { f.Label, f.Name, f.Type, f.Required, f.Placeholder }));
    }

    public IEnumerable<string> Keywords() => Split(TriggerKeywords);
    public IEnumerable<string> Recipients() => Split(NotifyEmails);

    public static IEnumerable<string> Split(string list) =>
        list.Split([',', '\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase);

    public LeadSettings Copy() => (LeadSettings)MemberwiseClone();
}

/// <summary>A starting point for a line of business (seed 000's industry templates): fields, trigger and keywords pre-filled.</summary>
public sealed record LeadTemplate(string Key, string Title, string Description, bool Phone, LeadTrigger Trigger, string Keywords, LeadField[] Fields)
{
    private static LeadField F(string label, string name, LeadFieldType type = LeadFieldType.Text, bool required = false, string placeholder = "") =>
        new() { Label = label, Name = name, Type = type, Required = required, Placeholder = placeholder };

    public static readonly IReadOnlyList<LeadTemplate> All =
    [
        new("custom", "Custom", "Configure your own lead collection settings", false, LeadTrigger.AfterMessages, "", []),
        new("dental", "Dental Clinic", "Optimized for dental practices and patient scheduling", true, LeadTrigger.Interest,
            "appointment, book, cleaning, whitening, toothache, emergency, insurance",
            [F("Preferred date", "preferred_date", LeadFieldType.Date), F("Reason for visit", "reason", placeholder: "Check-up, cleaning, pain…"), F("New patient?", "new_patient", placeholder: "Yes / No")]),
        new("hvac", "HVAC Services", "For heating, cooling, and air conditioning services", true, LeadTrigger.Interest,
            "quote, estimate, repair, install, not working, broken, service call, emergency",
            [F("Service address", "address", required: true), F("System type", "system", placeholder: "Furnace, AC, heat pump…"), F("Describe the problem", "problem", LeadFieldType.LongText)]),
        new("legal", "Legal Services", "For law firms and legal consultations", true, LeadTrigger.Interest,
            "consultation, lawyer, attorney, case, sue, contract, fees",
            [F("Area of law", "practice_area", placeholder: "Family, employment, property…"), F("Briefly, what happened?", "summary", LeadFieldType.LongText)]),
        new("realestate", "Real Estate", "For realtors and property services", true, LeadTrigger.Interest,
            "viewing, showing, buy, sell, rent, valuation, mortgage, listing",
            [F("Buying, selling or renting?", "intent", required: true), F("Area", "area"), F("Budget", "budget", LeadFieldType.Number)]),
        new("automotive", "Automotive", "For auto repair, dealerships, and car services", true, LeadTrigger.Interest,
            "test drive, quote, service, repair, trade-in, financing, appointment",
            [F("Vehicle (make, model, year)", "vehicle"), F("Preferred date", "preferred_date", LeadFieldType.Date)]),
        new("healthcare", "Healthcare", "For medical practices and health services", true, LeadTrigger.Interest,
            "appointment, book, doctor, referral, insurance, prescription",
            [F("Preferred date", "preferred_date", LeadFieldType.Date), F("Reason for visit", "reason")]),
        new("saas", "SaaS/Software", "For software companies and SaaS products", false, LeadTrigger.Interest,
            "pricing, price, demo, trial, enterprise, quote, integration, sales",
            [F("Company", "company", required: true), F("Team size", "team_size", LeadFieldType.Number), F("Website", "website", placeholder: "https://")]),
        new("ecommerce", "E-commerce", "For online stores and retail businesses", false, LeadTrigger.Unanswered,
            "order, wholesale, bulk, discount, out of stock, restock",
            [F("Order number", "order_number")]),
        new("consulting", "Consulting", "For consultants and professional services", true, LeadTrigger.Interest,
            "consultation, proposal, rates, hire, project, quote, call",
            [F("Company", "company"), F("What do you need help with?", "need", LeadFieldType.LongText, true)]),
    ];

    public static LeadTemplate? Find(string? key) => All.FirstOrDefault(t => t.Key == key);
}
