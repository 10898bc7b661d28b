namespace Parley.Tests.Features.BotSettings;

/// <summary>Personas: built-ins that stay, custom ones added, edited, chosen and deleted, and who may do it.</summary>
public abstract class PersonasTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Built_ins_stay_and_custom_personas_are_added_chosen_edited_and_deleted()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/settings/personas";
        var list = await (await ws.Tenant.GetAsync(page)).TextAsync();
        Assert.Contains("Helpful assistant", list);
        Assert.Contains("Concise expert", list);
        // The forms post (plain and through htmx) to the routes the tag helpers generate from the page and handler.
        Assert.Matches($"action=\"{page}\\?id=[0-9a-f-]{{36}}&handler=Activate\"", list);
        Assert.Matches($"hx-post=\"{page}\\?id=[0-9a-f-]{{36}}&handler=Activate\"", list);
        Assert.Contains($"hx-post=\"{page}?handler=Save\"", list);
        Task<List<Parley.Features.BotSettings.Persona>> Personas() => app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Personas.IgnoreQueryFilters().Where(p => p.TenantId == ws.TenantId).ToListAsync());
        var builtIns = await Personas();
        Assert.Equal(3, builtIns.Count);
        Assert.Equal("Helpful assistant", builtIns.Single(p => p.Active).Title);

        var bad = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Save", Http.Form(("title", "Pirate"), ("instructions", ""), ("creativity", "0.5")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Write the persona's instructions", await bad.TextAsync());
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Save", Http.Form(("title", "Pirate"), ("instructions", "Talk like a friendly pirate."), ("creativity", "0.9")))).AssertStatus(HttpStatusCode.OK);
        var pirate = (await Personas()).Single(p => p.Title == "Pirate");
        Assert.Equal((0.9, false, false), (pirate.Creativity, pirate.BuiltIn, pirate.Active));

        var chosen = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Activate&id={pirate.Id}", []);
        Assert.Contains("now answers as \"Pirate\"", await chosen.TextAsync());
        Assert.Equal("Pirate", (await Personas()).Single(p => p.Active).Title);
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Save", Http.Form(("id", pirate.Id.ToString()), ("title", "Pirate captain"), ("instructions", "Talk like a pirate captain."), ("creativity", "0.8")))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Pirate captain", (await Personas()).Single(p => p.Id == pirate.Id).Title);

        var builtIn = builtIns.First();
        Assert.Contains("can't be deleted", await (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Delete&id={builtIn.Id}", [])).TextAsync());
        Assert.Contains("can't be changed", await (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Save", Http.Form(("id", builtIn.Id.ToString()), ("title", "Mine"), ("instructions", "x"), ("creativity", "0.2")))).TextAsync());

        // Deleting the active persona hands the voice back to a built-in.
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Delete&id={pirate.Id}", [])).AssertStatus(HttpStatusCode.OK);
        var after = await Personas();
        Assert.Equal(3, after.Count);
        Assert.Single(after, p => p.Active);
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.persona_activated")));
    }

    [Fact]
    public async Task Agents_and_other_workspaces_cannot_open_or_change_personas()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/settings/personas";
        await a.Tenant.GetAsync(page);
        var id = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Personas.IgnoreQueryFilters().Where(p => p.TenantId == a.TenantId && !p.Active).Select(p => p.Id).FirstAsync());
        (await b.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", $"{page}?handler=Activate&id={id}", [])).AssertStatus(HttpStatusCode.NotFound);
        var agent = await app.AgentOnBotAsync(a, bot);
        Assert.Contains("/account/access-denied", (await agent.GetAsync(page)).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync("/bots", $"{page}?handler=Activate&id={id}", [])).RedirectTarget() ?? "");
        Assert.Equal("Helpful assistant", await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Personas.IgnoreQueryFilters().Where(p => p.TenantId == a.TenantId && p.Active).Select(p => p.Title).SingleAsync()));
    }
}

public sealed class PersonasTests_Sqlite(SqliteApp app) : PersonasTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class PersonasTests_Postgres(PostgresApp app) : PersonasTests<PostgresApp>(app);
