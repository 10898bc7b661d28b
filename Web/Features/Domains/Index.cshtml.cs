using Microsoft.Extensions.Options;
using Parley.Features.Audit;
using Parley.Infrastructure.Outbound;

namespace Parley.Features.Domains;

public sealed record DomainsView(List<Domain> Domains, string? Message, string? Error, string Typed);

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

    private async Task<DomainsView> BuildAsync(string? message, string? error, string typed, CancellationToken ct) =>
        new(await db.Set<Domain>().OrderBy(d => d.Host).ToListAsync(ct), message, error, typed);
}
