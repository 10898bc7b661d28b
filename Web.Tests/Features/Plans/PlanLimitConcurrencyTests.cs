namespace Parley.Tests.Features.Plans;

/// <summary>
/// Plan limits hold under concurrency: requests made at once are taken one after another under the workspace's lock,
/// so ten at once never create more bots, sources or invitations than the plan allows.
/// </summary>
public abstract class PlanLimitConcurrencyTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private Task<int> Count<T>(Guid tenantId, Func<AppDbContext, IQueryable<T>> rows) =>
        app.ScopedAsync(sp => rows(sp.GetRequiredService<AppDbContext>()).CountAsync());

    [Fact]
    public async Task Ten_bots_sources_and_invitations_at_once_stop_at_the_plan_s_limits()
    {
        var ws = await app.SignUpAsync();
        await app.SetBotLimitAsync(ws.TenantId, 3);
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Sources, 4);
        await app.SetSeatsAsync(ws.TenantId, 3); // the owner and two more

        await ws.Tenant.GetAsync("/bots"); // the antiforgery cookie exists before the parallel posts share it
        var bots = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ws.Tenant.PostFormAsync("/bots", Http.Form(("Input.Name", $"Bot {i}"), ("Input.Type", "Support")))));
        Assert.Equal(3, await Count(ws.TenantId, db => db.Chatbots.IgnoreQueryFilters().Where(b => b.TenantId == ws.TenantId)));
        Assert.Equal(7, bots.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(3, await Count(ws.TenantId, db => db.AuditLogs.IgnoreQueryFilters().Where(a => a.TenantId == ws.TenantId && a.Action == "bot.created")));

        var bot = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(b => b.TenantId == ws.TenantId).Select(b => b.PublicId).FirstAsync());
        var page = $"/bots/{bot}/knowledge";
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", $"Note {i}"), ("content", $"Note {i}: open daily.")))));
        Assert.Equal(4, await Count(ws.TenantId, db => db.Sources.IgnoreQueryFilters().Where(s => s.TenantId == ws.TenantId)));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ws.Tenant.PostFormAsync("/team", "/team?handler=Invite", Http.Form(("email", $"person{i}-{Guid.NewGuid():N}@example.test"), ("role", "Agent")))));
        Assert.Equal(2, await Count(ws.TenantId, db => db.Set<Parley.Features.Team.Invitation>().IgnoreQueryFilters().Where(i => i.TenantId == ws.TenantId)));
    }

    [Fact]
    public async Task Two_files_trained_at_once_cannot_together_pass_the_page_limit()
    {
        var ws = await app.SignUpAsync();
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Pages, 10);
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Sources, 10);
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.GetAsync(page);
        var pdf = (string name) => TestFiles.Pdf(Enumerable.Range(1, 6).Select(i => $"{name} page {i} explains the kettle's setting number {i}.").ToArray());
        await Task.WhenAll(ws.Tenant.UploadAsync(page, $"{page}?handler=Upload", "first.pdf", pdf("First")),
                           ws.Tenant.UploadAsync(page, $"{page}?handler=Upload", "second.pdf", pdf("Second")));
        var sources = await app.WaitForSourcesAsync(ws.TenantId);
        Assert.Equal(2, sources.Count);
        Assert.Single(sources, s => s.Status == Parley.Features.Knowledge.Sources.SourceStatus.Ready && s.Pages == 6);
        var refused = Assert.Single(sources, s => s.Status == Parley.Features.Knowledge.Sources.SourceStatus.Failed);
        Assert.Contains("your plan has 4 of its 10 pages left", refused.Error);
        Assert.True(sources.Where(s => !s.Excluded).Sum(s => s.Pages) <= 10);
    }
}

public sealed class PlanLimitConcurrencyTests_Sqlite(SqliteApp app) : PlanLimitConcurrencyTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class PlanLimitConcurrencyTests_Postgres(PostgresApp app) : PlanLimitConcurrencyTests<PostgresApp>(app);
