
namespace Parley.Tests.Features.Tenancy;

public abstract class TenantHostTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Unknown_subdomain_gets_the_friendly_404_page()
    {
        var response = await app.Client("no-such-workspace.localhost").GetAsync("/dashboard");
        response.AssertStatus(HttpStatusCode.NotFound);
        Assert.Contains("There's no workspace here", await response.BodyAsync());
    }

    [Fact]
    public async Task Suspended_workspace_gets_the_404_page_even_for_its_owner()
    {
        var ws = await app.SignUpAsync();
        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.Tenants.Where(t => t.Id == ws.TenantId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TenantStatus.Suspended));
            return 0;
        });
        var response = await ws.Tenant.GetAsync("/dashboard");
        response.AssertStatus(HttpStatusCode.NotFound);
        Assert.Contains("no workspace here", await response.BodyAsync());
    }

    [Fact]
    public async Task Root_host_has_no_dashboard_and_tenant_root_goes_to_the_dashboard()
    {
        var ws = await app.SignUpAsync();
        (await ws.Root.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.NotFound);
        var home = await ws.Tenant.GetAsync("/");
        Assert.Equal("/dashboard", home.Headers.Location?.ToString());
        var landing = await app.Client().GetAsync("/");
        landing.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Premium", await landing.BodyAsync());
    }

    [Fact]
    public async Task Deeper_hosts_under_the_app_domain_belong_to_no_tenant()
    {
        var ws = await app.SignUpAsync();
        var response = await app.Client($"x.{ws.Slug}.localhost").GetAsync("/dashboard");
        response.AssertStatus(HttpStatusCode.NotFound);
    }
}

public sealed class TenantHostTests_Sqlite(SqliteApp app) : TenantHostTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class TenantHostTests_Postgres(PostgresApp app) : TenantHostTests<PostgresApp>(app);
