using Microsoft.Extensions.Options;
using Parley.Features.Audit;
using Parley.Features.Chat;
using Parley.Features.Domains;

namespace Parley.Features.Bots;

public sealed record EmbedDomain(Guid Id, string Host, bool Verified, bool Selected);

/// <summary>How to put a bot on a website: the script tag, an iframe alternative, and which verified domains it runs on.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class EmbedModel(BotAccess access, AppDbContext db, AuditTrail audit, IOptions<Infrastructure.ParleyOptions> parley) : PageModel
{
    public Chatbot Bot { get; private set; } = null!;
    public List<EmbedDomain> Domains { get; private set; } = [];
    public bool CanEdit => access.CanEdit;
    public string? Message { get; private set; }
    public string RootOrigin => Infrastructure.Tenancy.TenantHosts.RootUrl(parley.Value);
    public string ScriptTag => $"<script src=\"{RootOrigin}/embed.js\" data-bot=\"{Bot.PublicId}\" async></script>";
    public string IframeTag => $"<iframe src=\"{RootOrigin}/widget/{Bot.PublicId}\" title=\"Chat with {System.Net.WebUtility.HtmlEncode(Bot.Name)}\" style=\"width:400px;height:640px;border:0;border-radius:16px\"></iframe>";

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        return Page();
    }

    public async Task<IActionResult> OnPostDomainsAsync(string publicId, List<Guid> domains, CancellationToken ct)
    {
        if (!await LoadAsync(publicId, ct)) return NotFound();
        if (!access.CanEdit) return Forbid();
        var allowed = Domains.Where(d => d.Verified).Select(d => d.Id).ToHashSet();
        var wanted = domains.Where(allowed.Contains).ToHashSet();
        var current = await db.BotDomains.Where(b => b.ChatbotId == Bot.Id).ToListAsync(ct);
        db.BotDomains.RemoveRange(current.Where(c => !wanted.Contains(c.DomainId)));
        foreach (var id in wanted.Where(id => current.All(c => c.DomainId != id)))
            db.BotDomains.Add(new BotDomain { ChatbotId = Bot.Id, DomainId = id });
        string[] Hosts(IEnumerable<Guid> ids) => Domains.Where(d => ids.Contains(d.Id)).Select(d => d.Host).Order().ToArray();
        var before = Hosts(current.Select(c => c.DomainId));
        var after = Hosts(wanted);
        if (!before.SequenceEqual(after)) audit.Record("bot.domains_changed", "Chatbot", Bot.PublicId, Bot.Name, new { Domains = before }, new { Domains = after });
        await db.SaveChangesAsync(ct);
        await LoadAsync(publicId, ct);
        Message = after.Length == 0 ? "The widget now runs on no website." : $"The widget now runs on {string.Join(", ", after)}.";
        return this.PageOrPartial("_EmbedDomains", this, "");
    }

    private async Task<bool> LoadAsync(string publicId, CancellationToken ct)
    {
        var bot = await access.FindAsync(publicId, ct);
        if (bot is null) return false;
        Bot = bot;
        var selected = await db.BotDomains.Where(b => b.ChatbotId == bot.Id).Select(b => b.DomainId).ToListAsync(ct);
        Domains = (await db.Domains.OrderBy(d => d.Host).ToListAsync(ct))
            .Select(d => new EmbedDomain(d.Id, d.Host, d.Status == DomainStatus.Verified, selected.Contains(d.Id))).ToList();
        return true;
    }
}
