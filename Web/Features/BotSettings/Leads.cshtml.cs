using Parley.Features.Bots;
using Parley.Features.Leads;

namespace Parley.Features.BotSettings;

/// <summary>The Leads screen: whether and when the widget asks for the visitor's details, which ones, the booking link and who is told.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class LeadsModel(LeadService leads) : BotSettingsPage
{
    [BindProperty] public LeadSettings Input { get; set; } = new();
    [BindProperty] public List<LeadField> Fields { get; set; } = [];
    public bool Saved { get; private set; }
    public string? TemplateApplied { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        Input = await leads.SettingsAsync(Bot.Id, ct);
        Fields = Input.Fields;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        var (fields, problems) = LeadService.CleanFields(Fields);
        foreach (var (i, problem) in problems) ModelState.AddModelError(i < Fields.Count ? $"Fields[{i}]" : "Fields", problem);
        if (Input.BookingEnabled && !(Uri.TryCreate(Input.BookingUrl?.Trim(), UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            ModelState.AddModelError("Input.BookingUrl", "Enter the full booking address, like https://calendly.com/your-team.");
        if (LeadService.BadAddress(Input.NotifyEmails) is { } bad) ModelState.AddModelError("Input.NotifyEmails", $"\"{bad}\" is not an email address.");
        if (Input.Notify && !LeadSettings.Split(Input.NotifyEmails ?? "").Any()) ModelState.AddModelError("Input.NotifyEmails", "Add at least one address to notify.");
        if (Input.Trigger == LeadTrigger.AfterMessages && Input.AfterMessages is < 1 or > 50) ModelState.AddModelError("Input.AfterMessages", "Ask after 1 to 50 messages.");
        if (!ModelState.IsValid) return this.Invalid("_LeadsForm", this, "Input");
        await leads.SaveAsync(Bot, Input, fields, ct);
        Saved = true;
        Fields = fields;
        ModelState.Clear();
        return this.PageOrPartial("_LeadsForm", this, "Input");
    }

    /// <summary>Fills the form from an industry template (fields, trigger, keywords) without saving: the user reviews, then saves.</summary>
    public async Task<IActionResult> OnPostTemplateAsync(string publicId, CancellationToken ct)
    {
        ModelState.Clear();
        if (LeadTemplate.Find(Input.Industry) is { } t)
        {
            Input.Industry = t.Key;
            Input.CollectPhone = t.Phone;
            Input.Trigger = t.Trigger;
            Input.TriggerKeywords = t.Keywords;
            Fields = t.Fields.Select(f => new LeadField { Label = f.Label, Name = f.Name, Type = f.Type, Required = f.Required, Placeholder = f.Placeholder }).ToList();
            TemplateApplied = t.Title;
        }
        return this.PageOrPartial("_LeadsForm", this, "Input");
    }

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        return null;
    }
}
