using Parley.Features.Bots;
using Parley.Features.HumanSupport;
using Parley.Features.Leads;

namespace Parley.Features.BotSettings;

/// <summary>The Human support screen: whether visitors can ask for a person, the buttons and confirmation they see, and who is told.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class HumanSupportModel(HumanSupportService support) : BotSettingsPage
{
    [BindProperty] public HumanSupportSettings Input { get; set; } = new();
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        Input = await support.SettingsAsync(Bot.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string publicId, CancellationToken ct)
    {
        if (LeadService.BadAddress(Input.NotifyEmails) is { } bad) ModelState.AddModelError("Input.NotifyEmails", $"\"{bad}\" is not an email address.");
        if (Input.Notify && !LeadSettings.Split(Input.NotifyEmails ?? "").Any()) ModelState.AddModelError("Input.NotifyEmails", "Add at least one address to notify.");
        if (!ModelState.IsValid) return this.Invalid("_HumanSupportForm", this, "Input");
        await support.SaveAsync(Bot, Input, ct);
        Saved = true;
        return this.PageOrPartial("_HumanSupportForm", this, "Input");
    }

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        return null;
    }
}
