using Parley.Infrastructure.Jobs;
using Quartz;

namespace Parley.Features.Domains;

public static class DomainsSetup
{
    public static IHostApplicationBuilder AddDomains(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DomainOptions>().BindConfiguration(DomainOptions.Section);
        builder.Services.AddScoped<DomainVerifier>();
        builder.Services.AddQuartz(q => q.ScheduleJob<DomainRecheckJob>(
            t => t.WithIdentity("domains.recheck").WithCronSchedule("0 15 3 * * ?").WithDescription("Re-checks every verified and failed domain daily"),
            j => j.WithIdentity(DomainRecheckJob.Key).StoreDurably()));
        return builder;
    }
}

/// <summary>Daily: re-checks every domain of every workspace, so a removed tag or file un-verifies the domain.</summary>
[DisallowConcurrentExecution]
public sealed class DomainRecheckJob(TenantScopes tenants) : IJob
{
    public static readonly JobKey Key = new("domains.recheck");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        await tenants.ForEachAsync(Key.Name, async (sp, token) =>
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
