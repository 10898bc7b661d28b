using System.Text.Json;
using Parley.Features.Domains;

namespace Parley.Tests.Features.Domains;

/// <summary>Installing without dead ends: a verified domain offered to every bot at once, no launcher on a page that is not allowed, and the owner told why.</summary>
public abstract class InstallTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private async Task<Guid> VerifiedDomainAsync(SignedUp ws, string host) => await app.ScopedAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Id == ws.TenantId);
        using var _ = sp.GetRequiredService<Parley.Infrastructure.Tenancy.ITenantContext>().Use(tenant);
        var domain = new Domain { Host = host, VerificationToken = Domain.NewToken(), Status = DomainStatus.Verified, CreatedAt = DateTimeOffset.UtcNow, VerifiedAt = DateTimeOffset.UtcNow };
        db.Domains.Add(domain);
        await db.SaveChangesAsync();
        return domain.Id;
    });

    private async Task<JsonElement> ConfigAsync(string bot, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/widget/{bot}?handler=Config");
        request.Headers.Add("Origin", origin);
        var response = await app.Client().SendAsync(request);
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Origin", response.Headers.Vary);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_verified_domain_is_offered_to_every_bot_in_one_click_and_the_launcher_appears_only_there()
    {
        var ws = await app.SignUpAsync();
        await app.SetBotLimitAsync(ws.TenantId, 3);
        var one = await ws.Tenant.CreateBotAsync("One");
        var two = await ws.Tenant.CreateBotAsync("Two");
        var domainId = await VerifiedDomainAsync(ws, "shop.example");

        // Before: the page on shop.example gets no launcher, and the Embed page says which page tried and what to do.
        var refused = await ConfigAsync(one, "https://shop.example");
        Assert.False(refused.GetProperty("available").GetBoolean());
        var embed = await (await ws.Tenant.GetAsync($"/bots/{one}/embed")).TextAsync();
        Assert.Contains("https://shop.example tried to show One", embed);
        Assert.Contains("add and verify shop.example", embed);
        var first = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(b => b.PublicId == one).Select(b => b.LastRefusedAt).SingleAsync());
        await ConfigAsync(one, "https://shop.example"); // a page view ten seconds later writes nothing
        Assert.Equal(first, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(b => b.PublicId == one).Select(b => b.LastRefusedAt).SingleAsync()));

        var domains = await (await ws.Tenant.GetAsync("/domains")).TextAsync();
        Assert.Contains("2 chatbots are not allowed on shop.example yet.", domains);
        var offered = await ws.Tenant.PostFormAsync("/domains", $"/domains?handler=UseEverywhere&id={domainId}", []);
        offered.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("2 chatbots now run on shop.example", await offered.TextAsync());
        Assert.DoesNotContain("offer-domain", await (await ws.Tenant.GetAsync("/domains")).BodyAsync());
        var audit = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().SingleAsync(a => a.TenantId == ws.TenantId && a.Action == "domain.offered_to_bots"));
        Assert.Contains("One", audit.NewValues);

        foreach (var bot in new[] { one, two })
        {
            Assert.True((await ConfigAsync(bot, "https://shop.example")).GetProperty("available").GetBoolean());
            Assert.True((await ConfigAsync(bot, "https://www.shop.example")).GetProperty("available").GetBoolean());
            Assert.False((await ConfigAsync(bot, "https://evil.example")).GetProperty("available").GetBoolean());
        }
    }
}

public sealed class InstallTests_Sqlite(SqliteApp app) : InstallTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class InstallTests_Postgres(PostgresApp app) : InstallTests<PostgresApp>(app);
