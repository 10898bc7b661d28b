using Hangfire;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Domains;

public static class DomainsSetup
{
    public static IHostApplicationBuilder AddDomains(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DomainOptions>().BindConfiguration(DomainOptions.Section);
        builder.Services.AddScoped<DomainVerifier>();
        builder.Services.AddRecurringJob<DomainRecheckJob>(DomainRecheckJob.Id, j => j.RunAsync(CancellationToken.None), _ => "15 * * * *");
        return builder;
    }
}

/// <summary>
/// Hourly: checks each domain once a day, and every hour a verified domain whose scheduled check failed. A verified
/// domain is un-verified (its widget stops loading there) only after <see cref="FailuresBeforeUnverify"/> failed checks
/// spanning <see cref="GraceBeforeUnverify"/>: a short outage of the customer's site changes nothing. The owner is
/// mailed at the first failure, with what was found and what will happen, and again if the domain is un-verified.
/// </summary>
public sealed class DomainRecheckJob(TenantScopes tenants, TimeProvider clock)
{
    public const string Id = "domains.recheck";
    public const int FailuresBeforeUnverify = 3;
    public static readonly TimeSpan GraceBeforeUnverify = TimeSpan.FromHours(24);

    [DisableConcurrentExecution(timeoutInSeconds: 60), JobDisplayName("Re-check domains")]
    public async Task RunAsync(CancellationToken ct) =>
        await tenants.ForEachAsync(Id, async (sp, token) =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var verifier = sp.GetRequiredService<DomainVerifier>();
            var now = clock.GetUtcNow();
            var daily = now.AddHours(-23);
            foreach (var domain in await db.Domains.Where(d => d.LastCheckedAt == null || d.LastCheckedAt < daily || d.FailingSince != null).ToListAsync(token))
            {
                var (before, verifiedAt) = (domain.Status, domain.VerifiedAt);
                await verifier.CheckAsync(domain, token);
                if (domain.Verified || before != DomainStatus.Verified)
                    (domain.FailingSince, domain.FailedChecks) = (null, 0);
                else
                {
                    domain.FailingSince ??= now;
                    domain.FailedChecks++;
                    if (domain.FailedChecks < FailuresBeforeUnverify || now - domain.FailingSince.Value < GraceBeforeUnverify)
                    {
                        (domain.Status, domain.VerifiedAt) = (DomainStatus.Verified, verifiedAt); // still trusted for now
                        if (domain.FailedChecks == 1) await MailOwnerAsync(sp, domain, unverified: false, token);
                        continue;
                    }
                    await MailOwnerAsync(sp, domain, unverified: true, token);
                }
                if (domain.Status != before)
                    sp.GetRequiredService<Audit.AuditTrail>().Record(domain.Verified ? "domain.verified" : "domain.verification_failed",
                        "Domain", domain.Id.ToString(), domain.Host, new { Status = before.ToString() }, new { Status = domain.Status.ToString(), domain.LastError });
            }
            await db.SaveChangesAsync(token);
        }, ct);

    private static async Task MailOwnerAsync(IServiceProvider sp, Domain domain, bool unverified, CancellationToken ct)
    {
        if (await Workspaces.WorkspaceOwner.EmailAsync(sp.GetRequiredService<AppDbContext>(), ct) is not { } owner) return;
        var host = domain.Host;
        var (subject, text) = unverified
            ? ($"{host} is no longer verified",
               $"For more than a day we could not find Parley's verification on {host} ({domain.LastError}). Your chat widget no longer loads there.\n\nPut the meta tag or the file back, then press Verify on the Domains page.")
            : ($"We could not find Parley's verification on {host}",
               $"Today's check of {host} did not find Parley's verification ({domain.LastError}). Nothing has changed yet: we will check every hour, and if it is still missing after a day the widget will stop loading on {host}.\n\nIf you changed your site, put the meta tag or the file back.");
        var html = string.Join("", text.Split("\n\n").Select(p => $"<p>{System.Net.WebUtility.HtmlEncode(p)}</p>"));
        await sp.GetRequiredService<Infrastructure.Email.IEmailSender>().SendAsync(new Infrastructure.Email.EmailMessage(owner, subject, text, html), ct);
    }
}
