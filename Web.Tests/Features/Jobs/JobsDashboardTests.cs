namespace Parley.Tests.Features.Jobs;

/// <summary>The jobs dashboard exists only for platform operators on the root host; for everyone else it is a 404.</summary>
public abstract class JobsDashboardTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Only_an_operator_signed_in_on_the_root_host_sees_the_jobs_dashboard()
    {
        var ws = await app.SignUpAsync();
        (await app.Client().GetAsync("/operations/jobs")).AssertStatus(HttpStatusCode.NotFound);
        var member = new CookieJar(app, "localhost");
        await member.SignInAsync(ws.Email, ws.Password);
        (await member.GetAsync("/operations/jobs")).AssertStatus(HttpStatusCode.NotFound); // signed in, not an operator
        (await ws.Tenant.GetAsync("/operations/jobs")).AssertStatus(HttpStatusCode.NotFound);

        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.Where(u => u.Id == ws.UserId).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsPlatformAdmin, true)));
        var dashboard = await member.GetAsync("/operations/jobs");
        dashboard.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Parley jobs", await dashboard.Content.ReadAsStringAsync());
        (await member.GetAsync("/operations/jobs/recurring")).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("ingestion.sweep", await (await member.GetAsync("/operations/jobs/recurring")).Content.ReadAsStringAsync());
        // Even an operator's own workspace session does not open it on the workspace's host.
        (await ws.Tenant.GetAsync("/operations/jobs")).AssertStatus(HttpStatusCode.NotFound);
    }
}

public sealed class JobsDashboardTests_Sqlite(SqliteApp app) : JobsDashboardTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class JobsDashboardTests_Postgres(PostgresApp app) : JobsDashboardTests<PostgresApp>(app);
