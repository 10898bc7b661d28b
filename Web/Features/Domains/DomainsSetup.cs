using Hangfire;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Domains;

public static class DomainsSetup
{
    public static IHostApplicationBuilder AddDomains(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DomainOptions>().BindConfiguration(DomainOptions.Section);
        builder.Services.AddScoped<DomainVerifier>();
        builder.Services.AddRecurringJob<DomainRecheckJob>(DomainRecheckJob.Id, j => j.RunAsync(CancellationToken.None), _ => "15 3 * * *");
        return builder;
    }
}

/// <summary>Daily: re-checks every domain of every workspace, so a removed tag or file un-verifies the domain.</summary>
public sealed class DomainRecheckJob(TenantScopes tenants)
{
    public const string Id = "domains.recheck";

    [DisableConcurrentExecution(timeoutInSeconds: 60), JobDisplayName("Re-check every domain")]
    public async Task RunAsync(CancellationToken ct) =>
        await tenants.ForEachAsync(Id, async (sp, token) =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var verifier = sp.GetRequiredService<DomainVerifier>();
            foreach (var domain in await db.Set<Domain>().ToListAsync(token))
            {
                var before = domain.Status;
                await verifier.CheckAsync(domain, token);
                if (domain.Status != before)
                    sp.GetRequiredService<Audit.AuditTrail>().Record(domain.Verified ? "domain.verified" : "domain.verification_failed",
                        "Domain", domain.Id.ToString(), domain.Host, new { Status = before.ToString() }, new { Status = domain.Status.ToString(), domain.LastError });
            }
            await db.SaveChangesAsync(token);
        }, ct);
}
