using Parley.Features.Bots;
using Parley.Features.Chat;

namespace Parley.Features.Conversations;

/// <summary>One conversation's full transcript, with each answer's sources, model, timing and feedback.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class TranscriptModel(BotAccess access, ConversationHistory history, Leads.LeadService leads) : PageModel
{
    public Chatbot Bot { get; private set; } = null!;
    public Conversation Conversation { get; private set; } = null!;
    public List<Message> Messages { get; private set; } = [];
    public bool CanEdit => access.CanEdit;
    public Visitor? Visitor { get; private set; }
    /// <summary>The bot's lead form labels by field name, for the lead's extra fields.</summary>
    public IReadOnlyDictionary<string, string> LeadLabels { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(string publicId, Guid id, CancellationToken ct)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return NotFound();
        if (await history.TranscriptAsync(bot.Id, id, ct) is not { } t) return NotFound();
        (Bot, Conversation, Messages, Visitor) = (bot, t.Conversation, t.Messages, t.Visitor);
        if (Visitor is { LeadAt: not null }) LeadLabels = (await leads.SettingsAsync(bot.Id, ct)).Fields.ToDictionary(f => f.Name, f => f.Label);
        return Page();
    }
}
