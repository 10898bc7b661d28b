using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Tenancy;

public abstract class TenancyModelTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public void Every_entity_is_tenant_owned_or_explicitly_shared()
    {
        var db = app.Scoped(sp => sp.GetRequiredService<AppDbContext>());
        var unclassified = app.Scoped(sp => sp.GetRequiredService<AppDbContext>().Model.GetEntityTypes()
            .Select(t => t.ClrType)
            .Where(t => !typeof(ITenantOwned).IsAssignableFrom(t) && !AppDbContext.SharedEntities.Contains(t))
            .Select(t => t.Name).ToList());
        Assert.True(unclassified.Count == 0, $"Implement ITenantOwned or add to AppDbContext.SharedEntities: {string.Join(", ", unclassified)}");
    }

    [Fact]
    public void Every_tenant_owned_entity_carries_the_named_tenant_filter()
    {
        var missing = app.Scoped(sp => sp.GetRequiredService<AppDbContext>().Model.GetEntityTypes()
            .Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType))
            .Where(t => t.GetDeclaredQueryFilters().All(f => f.Key != AppDbContext.TenantFilter))
            .Select(t => t.ClrType.Name).ToList());
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Queries_see_only_the_current_tenants_rows_and_none_without_a_tenant()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var ctx = sp.GetRequiredService<ITenantContext>();
            Assert.Empty(await db.Memberships.ToListAsync());
            using (ctx.Use(await db.Tenants.SingleAsync(t => t.Id == a.TenantId)))
                Assert.All(await db.Memberships.ToListAsync(), m => Assert.Equal(a.TenantId, m.TenantId));
            using (ctx.Use(await db.Tenants.SingleAsync(t => t.Id == b.TenantId)))
            {
                var rows = await db.Memberships.ToListAsync();
                Assert.Single(rows);
                Assert.Equal(b.UserId, rows[0].UserId);
            }
            return 0;
        });
    }

    [Fact]
    public async Task SaveChanges_throws_when_a_row_of_another_tenant_is_written()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var ctx = sp.GetRequiredService<ITenantContext>();
            using var _ = ctx.Use(await db.Tenants.SingleAsync(t => t.Id == a.TenantId));
            db.Memberships.Add(new Membership { TenantId = b.TenantId, UserId = a.UserId, Role = Role.Agent });
            await Assert.ThrowsAsync<TenantMismatchException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            var foreign = await db.Memberships.IgnoreQueryFilters().SingleAsync(m => m.TenantId == b.TenantId);
            foreign.Role = Role.Agent;
            await Assert.ThrowsAsync<TenantMismatchException>(() => db.SaveChangesAsync());
            return 0;
        });
    }

    [Fact]
    public async Task SaveChanges_throws_when_a_tenant_row_is_written_with_no_tenant_set()
    {
        var a = await app.SignUpAsync();
        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Memberships.Add(new Membership { TenantId = a.TenantId, UserId = a.UserId, Role = Role.Agent });
            await Assert.ThrowsAsync<TenantMismatchException>(() => db.SaveChangesAsync());
            return 0;
        });
    }
}

public sealed class TenancyModelTests_Sqlite(SqliteApp app) : TenancyModelTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class TenancyModelTests_Postgres(PostgresApp app) : TenancyModelTests<PostgresApp>(app);
