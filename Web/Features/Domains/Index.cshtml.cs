using Microsoft.Extensions.Options;
using Parley.Features.Audit;
using Parley.Infrastructure.Outbound;

namespace Parley.Features.Domains;

public sealed record DomainsView(List<Domain> Domains, string? Message, string? Error, string Typed)
{
    /// <summary>For each verified domain, the chatbots not yet allowed on it (offered in one click).</summary>
    public Dictionary<Guid, int> BotsMissing { get; init; } = [];
}

/// <summary>The websites where this workspace's bots may run; only verified ones may frame the widget.</summary>
[TenantHost, Authorize(Policy = Policies.Admin)]
public class IndexModel(AppDbContext db, DomainVerifier verifier, AuditTrail audit, IOptions<OutboundOptions> outbound, TimeProvider clock) : PageModel
{
    public DomainsView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => View = await BuildAsync(null, null, "", ct);

    public async Task<IActionResult> OnPostAddAsync(string? host, CancellationToken ct)
    {
        var (normalized, problem) = Domain.Normalize(host, allowLocal: outbound.Value.AllowLoopback);
        if (normalized is not null && await db.Set<Domain>().AnyAsync(d => d.Host == normalized, ct))
            problem = $"{normalized} is already on the list.";
        if (problem is not null) return await ResultAsync(null, problem, host ?? "", ct);

        var domain = new Domain { Host = normalized!, VerificationToken = Domain.NewToken(), CreatedAt = clock.GetUtcNow() };
        db.Add(domain);
        audit.Record("domain.added", "Domain", domain.Id.ToString(), domain.Host, null, new { domain.Host });
        await db.SaveChangesAsync(ct);
        return await ResultAsync($"{domain.Host} added. Put the verification tag or file on the site, then press Verify.", null, "", ct);
    }

    public async Task<IActionResult> OnPostVerifyAsync(Guid id, CancellationToken ct)
    {
        var domain = await db.Set<Domain>().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (domain is null) return NotFound();
        var before = domain.Status;
        await verifier.CheckAsync(domain, ct);
        if (domain.Status != before)
            audit.Record(domain.Verified ? "domain.verified" : "domain.verification_failed", "Domain", domain.Id.ToString(), domain.Host,
                new { Status = before.ToString() }, new { Status = domain.Status.ToString(), domain.LastError });
        await db.SaveChangesAsync(ct);
        return domain.Verified
            ? await ResultAsync($"{domain.Host} is verified.", null, "", ct)
            : await ResultAsync(null, $"{domain.Host} isn't verified yet: {domain.LastError}", "", ct);
    }

    /// <summary>Lets every chatbot of the workspace run on a verified domain (the Embed page of each bot can narrow it again).</summary>
    public async Task<IActionResult> OnPostUseEverywhereAsync(Guid id, CancellationToken ct)
    {
        var domain = await db.Set<Domain>().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (domain is null) return NotFound();
        if (!domain.Verified) return await ResultAsync(null, $"Verify {domain.Host} first: chatbots run only on verified domains.", "", ct);
        var using_ = db.BotDomains.Where(b => b.DomainId == id).Select(b => b.ChatbotId);
        var bots = await db.Chatbots.Where(b => !using_.Contains(b.Id)).Select(b => new { b.Id, b.Name }).ToListAsync(ct);
        foreach (var bot in bots) db.BotDomains.Add(new Chat.BotDomain { ChatbotId = bot.Id, DomainId = id });
        audit.Record("domain.offered_to_bots", "Domain", domain.Id.ToString(), domain.Host, null, new { Chatbots = string.Join(", ", bots.Select(b => b.Name)) });
        await db.SaveChangesAsync(ct);
        return await ResultAsync(bots.Count == 0 ? $"Every chatbot already runs on {domain.Host}." : $"{bots.Count} chatbot{(bots.Count == 1 ? "" : "s")} now run{(bots.Count == 1 ? "s" : "")} on {domain.Host}. Paste each one's script tag there (its Embed page).", null, "", ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        var domain = await db.Set<Domain>().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (domain is null) return NotFound();
        db.Remove(domain);
        audit.Record("domain.removed", "Domain", domain.Id.ToString(), domain.Host, new { domain.Host, Status = domain.Status.ToString() }, null);
        await db.SaveChangesAsync(ct);
        return await ResultAsync($"{domain.Host} removed.", null, "", ct);
    }

    private async Task<IActionResult> ResultAsync(string? message, string? error, string typed, CancellationToken ct)
    {
        View = await BuildAsync(message, error, typed, ct);
        return this.PageOrPartial("_Domains", View, "", error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private async Task<DomainsView> BuildAsync(string? message, string? error, string typed, CancellationToken ct)
    {
        var bots = await db.Chatbots.CountAsync(ct);
        var used = await db.BotDomains.GroupBy(b => b.DomainId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var domains = await db.Set<Domain>().OrderBy(d => d.Host).ToListAsync(ct);
        return new(domains, message, error, typed)
        {
            BotsMissing = domains.Where(d => d.Verified).ToDictionary(d => d.Id, d => bots - used.GetValueOrDefault(d.Id)),
        };
    }
}
