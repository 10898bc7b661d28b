namespace Parley.Tests.Features.BotSettings;

/// <summary>Conversation starters: add, validate, reorder, remove, who may edit, and the widget's home view showing them in order.</summary>
public abstract class StartersTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Starters_are_added_reordered_removed_and_shown_in_the_widget()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/settings/starters";
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Add", Http.Form(("kind", "Button"), ("title", "Warranty"), ("message", "How long is the warranty?")))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Add", Http.Form(("kind", "Link"), ("title", "Manuals"), ("url", "https://kettle.example/manuals")))).AssertStatus(HttpStatusCode.OK);
        var bad = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Add", Http.Form(("kind", "Link"), ("title", "Evil"), ("url", "javascript:alert(1)")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("full http(s) address", await bad.TextAsync());
        Assert.Contains("needs the message", await (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Add", Http.Form(("kind", "Button"), ("title", "Empty")))).TextAsync());

        var starters = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ConversationStarters.IgnoreQueryFilters().Where(s => s.TenantId == ws.TenantId).OrderBy(s => s.Position).ToListAsync());
        Assert.Equal(["Warranty", "Manuals"], starters.Select(s => s.Title));
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Move&id={starters[1].Id}&by=-1", [])).AssertStatus(HttpStatusCode.OK);

        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var home = await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync();
        Assert.True(home.IndexOf("Manuals", StringComparison.Ordinal) < home.IndexOf("Warranty", StringComparison.Ordinal), "Moved up, Manuals comes first.");
        Assert.Contains("href=\"https://kettle.example/manuals\"", home);
        Assert.Contains("How long is the warranty?", home); // the message the button sends
        Assert.DoesNotContain("javascript:", home);

        var removed = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Delete&id={starters[1].Id}", []);
        Assert.Contains("Removed \"Manuals\"", await removed.TextAsync());
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.starter_moved")));
    }

    [Fact]
    public async Task Follow_up_prompts_show_under_the_latest_answer_and_not_on_the_home_view()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Warranty"), ("content", "Every kettle is covered for two years.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        var page = $"/bots/{bot}/settings/starters/follow-ups";
        var list = await (await ws.Tenant.GetAsync(page)).TextAsync();
        Assert.Contains("No follow-up prompts yet", list);
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Add", Http.Form(("kind", "Button"), ("title", "Talk to sales"), ("message", "I'd like to talk to sales.")))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.GetAsync($"/bots/{bot}/settings/starters/nonsense")).AssertStatus(HttpStatusCode.NotFound);
        Assert.Contains("No starters yet", await (await ws.Tenant.GetAsync($"/bots/{bot}/settings/starters")).TextAsync()); // a separate list

        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        Assert.DoesNotContain("Talk to sales", await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync());
        var (_, answer) = await widget.AskAsync("How long is the warranty?");
        Assert.Contains("data-testid=\"follow-up-prompts\"", answer.Done);
        Assert.Contains(">Talk to sales</button>", answer.Done);
        Assert.Contains("like to talk to sales.", answer.Done); // the message the button sends
    }

    [Fact]
    public async Task Agents_and_other_workspaces_cannot_change_starters()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/settings/starters";
        (await a.Tenant.PostFormAsync(page, $"{page}?handler=Add", Http.Form(("kind", "Button"), ("title", "Hours"), ("message", "When are you open?")))).AssertStatus(HttpStatusCode.OK);
        var id = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ConversationStarters.IgnoreQueryFilters().Where(s => s.TenantId == a.TenantId).Select(s => s.Id).SingleAsync());
        (await b.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", $"{page}?handler=Delete&id={id}", [])).AssertStatus(HttpStatusCode.NotFound);
        var otherBot = await b.Tenant.CreateBotAsync();
        var otherPage = $"/bots/{otherBot}/settings/starters";
        (await b.Tenant.PostFormAsync(otherPage, $"{otherPage}?handler=Delete&id={id}", [])).AssertStatus(HttpStatusCode.OK); // not theirs: nothing happens
        var agent = await app.AgentOnBotAsync(a, bot);
        Assert.Contains("/account/access-denied", (await agent.GetAsync(page)).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync("/bots", $"{page}?handler=Delete&id={id}", [])).RedirectTarget() ?? "");
        Assert.Single(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ConversationStarters.IgnoreQueryFilters().Where(s => s.TenantId == a.TenantId).ToListAsync()));
    }
}

public sealed class StartersTests_Sqlite(SqliteApp app) : StartersTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class StartersTests_Postgres(PostgresApp app) : StartersTests<PostgresApp>(app);
