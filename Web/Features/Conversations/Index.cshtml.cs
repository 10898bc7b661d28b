using Parley.Features.Bots;
using Parley.Features.Chat;

namespace Parley.Features.Conversations;

/// <summary>A bot's conversation history (read-only; the live inbox comes later), searchable and filterable by date.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class IndexModel(BotAccess access, ConversationHistory history) : PageModel
{
    public Chatbot Bot { get; private set; } = null!;
    public HistoryPage Results { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string publicId, string? q, DateOnly? from, DateOnly? to, bool waiting = false, int p = 1, CancellationToken ct = default)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return NotFound();
        Bot = bot;
        var filter = new HistoryFilter(q, from, to, Math.Max(1, p), waiting);
        var (rows, total) = await history.SearchAsync(bot.Id, null, filter, ct);
        var baseUrl = $"/bots/{bot.PublicId}/conversations";
        Results = new HistoryPage(rows, total, filter, baseUrl, null, baseUrl);
        return this.PageOrPartial("_History", Results, "");
    }
}
