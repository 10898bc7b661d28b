using Parley.Features.Audit;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Audit;

public abstract class AuditTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private Task SeedAsync(Guid tenantId, int count, string email) => app.ScopedAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        using var _ = sp.GetRequiredService<ITenantContext>().Use(await db.Tenants.SingleAsync(t => t.Id == tenantId));
        for (var i = 0; i < count; i++)
            db.AuditLogs.Add(new AuditLog { At = DateTimeOffset.UtcNow, Action = $"domain.test_{i:D3}", EntityType = "Domain", Target = $"t{i}.example.com", UserEmail = email });
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Audit_log_pages_newest_first_filters_and_shows_only_this_workspace()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        await SeedAsync(a.TenantId, 60, "alice@example.test");
        await SeedAsync(b.TenantId, 3, "bob-of-b@example.test");

        var first = await (await a.Tenant.GetAsync("/audit")).TextAsync();
        Assert.Contains("domain.test_059", first);
        Assert.DoesNotContain("domain.test_009", first);
        Assert.Contains("60 entries · page 1 of 2", first);
        var second = await (await a.Tenant.GetAsync("/audit?p=2")).TextAsync();
        Assert.Contains("domain.test_009", second);
        Assert.DoesNotContain("domain.test_059", second);
        Assert.DoesNotContain("bob-of-b", first + second);

        var byWho = await (await a.Tenant.GetAsync("/audit?who=nobody")).TextAsync();
        Assert.Contains("Nothing recorded for this filter", byWho);
        var byKind = await (await a.Tenant.GetAsync("/audit?kind=Membership")).TextAsync();
        Assert.DoesNotContain("domain.test_", byKind);
    }
}

public sealed class AuditTests_Sqlite(SqliteApp app) : AuditTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class AuditTests_Postgres(PostgresApp app) : AuditTests<PostgresApp>(app);
