using Parley.Features.Bots;

namespace Parley.Features.Conversations;

/// <summary>Seed 001's route: the history of one bot on one of the workspace's domains.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class DomainConversationsModel(BotAccess access, AppDbContext db, ConversationHistory history) : PageModel
{
    public Chatbot Bot { get; private set; } = null!;
    public string Host { get; private set; } = "";
    public HistoryPage Results { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid domainId, string botId, string? q, DateOnly? from, DateOnly? to, bool waiting = false, int p = 1, CancellationToken ct = default)
    {
        if (await access.FindAsync(botId, ct) is not { } bot) return NotFound();
        if (await db.Domains.AsNoTracking().FirstOrDefaultAsync(d => d.Id == domainId, ct) is not { } domain) return NotFound();
        (Bot, Host) = (bot, domain.Host);
        var filter = new HistoryFilter(q, from, to, Math.Max(1, p), waiting);
        var (rows, total) = await history.SearchAsync(bot.Id, domain.Host, filter, ct);
        Results = new HistoryPage(rows, total, filter, $"/domains/{domainId}/bots/{bot.PublicId}/conversations", domain.Host, $"/bots/{bot.PublicId}/conversations");
        return this.PageOrPartial("_History", Results, "");
    }
}
