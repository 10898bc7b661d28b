using Parley.Features.Domains;
using Hangfire;

namespace Parley.Tests.Features.Domains;

public class DomainNormalizeTests
{
    [Theory]
    [InlineData("https://WWW.Example.com/pricing?x=1", "www.example.com")]
    [InlineData("example.com:8080", "example.com")]
    [InlineData("shop.example.com.", "shop.example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void Normalize_keeps_only_the_lowercase_punycode_host(string typed, string host) => Assert.Equal(host, Domain.Normalize(typed).Host);

    [Theory]
    [InlineData("", "Enter a domain")]
    [InlineData("192.168.1.1", "not an IP address")]
    [InlineData("[::1]:80", "not an IP address")]
    [InlineData("nodot", "valid domain")]
    [InlineData("bad_host!.com", "valid domain")]
    [InlineData("user@example.com", "without a user name")]
    [InlineData("shop.localhost", "Local domains")]
    public void Normalize_explains_what_is_wrong(string typed, string problem) => Assert.Contains(problem, Domain.Normalize(typed).Problem);
}

/// <summary>Domains verified against a site on loopback, which these tests (and only tests) allow.</summary>
public abstract class DomainTests<TApp>(LoopbackSite site) : IClassFixture<LoopbackSite> where TApp : ParleyApp, new()
{
    private async Task<TApp> AppAsync(string portSetting = "Parley:Domains:CheckPort")
    {
        var app = new TApp
        {
            Settings = new()
            {
                ["Parley:Outbound:AllowLoopback"] = "true",
                ["Parley:Outbound:ExtraPorts:0"] = site.Port.ToString(),
                [portSetting] = site.Port.ToString(),
            },
        };
        await app.InitializeAsync();
        return app;
    }

    private static Task<Domain> DomainAsync(ParleyApp app, Guid tenantId) => app.ScopedAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Domains.IgnoreQueryFilters().SingleAsync(d => d.TenantId == tenantId));

    [Fact]
    public async Task Domain_is_verified_by_meta_tag_or_file_and_unverified_by_the_daily_recheck()
    {
        await using var app = await AppAsync();
        var ws = await app.SignUpAsync();
        var add = await ws.Tenant.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", "http://LOCALHOST/")));
        add.AssertStatus(HttpStatusCode.OK);
        var domain = await DomainAsync(app, ws.TenantId);
        Assert.Equal("localhost", domain.Host);
        Assert.Contains(domain.VerificationToken, await add.TextAsync());
        var dup = await ws.Tenant.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", "localhost")));
        dup.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already on the list", await dup.TextAsync());

        site.MetaToken = null; site.FileToken = null;
        var failed = await ws.Tenant.PostFormAsync("/domains", $"/domains?handler=Verify&id={domain.Id}", []);
        failed.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("isn't verified yet", await failed.TextAsync());
        Assert.Contains("answered 404", (await DomainAsync(app, ws.TenantId)).LastError);

        site.MetaToken = domain.VerificationToken;
        var verified = await ws.Tenant.PostFormAsync("/domains", $"/domains?handler=Verify&id={domain.Id}", []);
        Assert.Contains("is verified", await verified.TextAsync());
        Assert.True((await DomainAsync(app, ws.TenantId)).Verified);

        site.MetaToken = null; site.FileToken = domain.VerificationToken;
        await ws.Tenant.PostFormAsync("/domains", $"/domains?handler=Verify&id={domain.Id}", []);
        Assert.True((await DomainAsync(app, ws.TenantId)).Verified);

        // The tag and file are gone. The first scheduled check keeps the domain verified (a short outage of the site must
        // not take the widget off it) and mails the owner what it found.
        site.FileToken = null;
        async Task RecheckAsync()
        {
            var before = (await DomainAsync(app, ws.TenantId)).LastCheckedAt;
            app.Services.GetRequiredService<IRecurringJobManager>().Trigger(DomainRecheckJob.Id); // as its hourly schedule would
            for (var i = 0; i < 300 && (await DomainAsync(app, ws.TenantId)).LastCheckedAt == before; i++) await Task.Delay(100);
        }
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Domains.IgnoreQueryFilters().Where(d => d.Id == domain.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.LastCheckedAt, DateTimeOffset.UtcNow.AddDays(-1).AddMinutes(-5)))); // a day later
        await RecheckAsync();
        var warned = await DomainAsync(app, ws.TenantId);
        Assert.Equal((DomainStatus.Verified, 1), (warned.Status, warned.FailedChecks));
        Assert.NotNull(warned.FailingSince);
        Assert.Contains("answered 404", warned.LastError);
        var warning = await app.Mail.WaitForAsync(ws.Email, "could not find Parley's verification on localhost");
        Assert.Contains("still missing after a day", warning.Text);

        // Still failing after a day and several checks: un-verified, with the reason, and the owner is told.
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Domains.IgnoreQueryFilters().Where(d => d.Id == domain.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.FailingSince, DateTimeOffset.UtcNow.AddHours(-25)).SetProperty(d => d.FailedChecks, 2)));
        await RecheckAsync();
        var rechecked = await DomainAsync(app, ws.TenantId);
        Assert.Equal(DomainStatus.Failed, rechecked.Status);
        Assert.Contains("answered 404", rechecked.LastError);
        Assert.Contains("no parley-site-verification meta tag", rechecked.LastError);
        await app.Mail.WaitForAsync(ws.Email, "localhost is no longer verified");

        // Put back: the next check verifies it again and the failure count starts over.
        site.MetaToken = domain.VerificationToken;
        await ws.Tenant.PostFormAsync("/domains", $"/domains?handler=Verify&id={domain.Id}", []);
        Assert.True((await DomainAsync(app, ws.TenantId)).Verified);

        var audit = await (await ws.Tenant.GetAsync("/audit?kind=Domain")).TextAsync();
        Assert.Contains("domain.added", audit);
        Assert.Contains("domain.verified", audit);
        Assert.Contains("domain.verification_failed", audit);
        Assert.Contains("Parley (scheduled check)", audit);
    }

    [Fact]
    public async Task In_local_development_a_name_under_localhost_is_verified_on_this_machine_as_browsers_resolve_it()
    {
        await using var app = await AppAsync("Parley:Domains:LocalSitePort");
        var ws = await app.SignUpAsync();
        (await ws.Tenant.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", "shop.localhost")))).AssertStatus(HttpStatusCode.OK);
        var domain = await DomainAsync(app, ws.TenantId);
        Assert.Equal("shop.localhost", domain.Host);
        site.MetaToken = null;
        site.FileToken = domain.VerificationToken;
        var verified = await ws.Tenant.PostFormAsync("/domains", $"/domains?handler=Verify&id={domain.Id}", []);
        Assert.Contains("is verified", await verified.TextAsync());
        Assert.True((await DomainAsync(app, ws.TenantId)).Verified);
    }

    [Fact]
    public async Task Domains_of_another_workspace_cannot_be_seen_verified_or_removed()
    {
        await using var app = await AppAsync();
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        await a.Tenant.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", "localhost")));
        var domain = await DomainAsync(app, a.TenantId);
        Assert.DoesNotContain("localhost</div>", await (await b.Tenant.GetAsync("/domains")).TextAsync());
        (await b.Tenant.PostFormAsync("/domains", $"/domains?handler=Verify&id={domain.Id}", [])).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/domains", $"/domains?handler=Remove&id={domain.Id}", [])).AssertStatus(HttpStatusCode.NotFound);
        Assert.NotNull(await DomainAsync(app, a.TenantId));
        // b may register the same host for itself.
        (await b.Tenant.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", "localhost")))).AssertStatus(HttpStatusCode.OK);

        (await a.Tenant.PostFormAsync("/domains", $"/domains?handler=Remove&id={domain.Id}", [])).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("domain.removed", await (await a.Tenant.GetAsync("/audit")).TextAsync());
    }
}

public sealed class DomainTests_Sqlite(LoopbackSite site) : DomainTests<SqliteApp>(site);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class DomainTests_Postgres(LoopbackSite site) : DomainTests<PostgresApp>(site);
