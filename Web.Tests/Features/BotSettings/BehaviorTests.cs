using System.Text.RegularExpressions;
using Parley.Features.BotSettings;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.BotSettings;

/// <summary>The Behavior screen: saving, validation, who may edit, and the widget doing what each switch says.</summary>
public abstract class BehaviorTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static Dictionary<string, string> Form(params (string Key, string Value)[] overrides)
    {
        var form = new Dictionary<string, string>
        {
            ["Input.HideSources"] = "true", ["Input.HideFeedback"] = "true", ["Input.HideTooltip"] = "true", ["Input.RequireTerms"] = "true",
            ["Input.TermsText"] = "I accept Kettle Co's chat terms.", ["Input.Disclaimer"] = "Answers may be wrong; check your manual.",
            ["Input.AutoOpenDesktop"] = "true", ["Input.AutoOpenDesktopDelay"] = "3", ["Input.AutoOpenMobileDelay"] = "10", ["Input.FollowUpCount"] = "0",
        };
        foreach (var (k, v) in overrides) form[k] = v;
        return form;
    }

    [Fact]
    public async Task A_save_over_someone_else_s_newer_save_is_refused_and_keeps_theirs()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/settings/behavior";
        static string Stamp(string html) => System.Net.WebUtility.HtmlDecode(Regex.Match(html, "name=\"Input.UpdatedAt\" value=\"([^\"]+)\"").Groups[1].Value);
        // Two people open the screen; both forms carry the same stamp once the first save exists.
        var first = await ws.Tenant.PostFormAsync(page, page, Form(("Input.Disclaimer", "First version.")));
        var opened = Stamp(await first.TextAsync());
        Assert.NotEqual("", opened);
        var stale = Stamp(await (await ws.Tenant.GetAsync(page)).TextAsync());
        Assert.Equal(opened, stale);

        // One saves (and may save again from the same form: it shows the new stamp)...
        var mine = await ws.Tenant.PostFormAsync(page, page, Form(("Input.Disclaimer", "Alice's disclaimer."), ("Input.UpdatedAt", opened)));
        mine.AssertStatus(HttpStatusCode.OK);
        var again = await ws.Tenant.PostFormAsync(page, page, Form(("Input.Disclaimer", "Alice's second disclaimer."), ("Input.UpdatedAt", Stamp(await mine.TextAsync()))));
        again.AssertStatus(HttpStatusCode.OK);
        // ...the other's later save from the stale form is refused and says why; the newer save stays.
        var theirs = await ws.Tenant.PostFormAsync(page, page, Form(("Input.Disclaimer", "Bob's disclaimer."), ("Input.UpdatedAt", stale)));
        theirs.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Someone else saved these settings while you were editing", await theirs.TextAsync());
        Assert.Equal("Alice's second disclaimer.", await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotBehaviors.IgnoreQueryFilters()
            .Where(b => b.TenantId == ws.TenantId).Select(b => b.Disclaimer).SingleAsync()));
    }

    [Fact]
    public async Task Each_switch_changes_what_the_widget_does()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Warranty"), ("content", "# Warranty\nEvery kettle is covered for two years.\n\n# Delivery\nParcels arrive in three days.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        var page = $"/bots/{bot}/settings/behavior";
        var saved = await ws.Tenant.PostFormAsync(page, page, Form());
        saved.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Saved.", await saved.TextAsync());
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.behavior_changed")));

        var widget = new WidgetClient(app, bot);
        var config = await (await widget.Http.GetAsync($"{widget.Base}?handler=Config")).Content.ReadAsStringAsync();
        Assert.Contains("\"tooltip\":\"\"", config);
        Assert.Contains("\"autoOpenDesktop\":3", config);
        Assert.Contains("\"autoOpenMobile\":-1", config);
        await widget.StartAsync();
        var home = await (await widget.GetAsync("?handler=Home")).TextAsync();
        Assert.Contains("I accept Kettle Co's chat terms.", home);
        Assert.Contains("Answers may be wrong; check your manual.", home);

        // Without the box ticked the first message is refused, and nothing is stored.
        var refused = await widget.PostAsync("?handler=Send", new() { ["text"] = "How long is the warranty?" });
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("accept the terms", await refused.Content.ReadAsStringAsync());
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters().Where(m => m.TenantId == ws.TenantId).ToListAsync()));

        var sent = await widget.PostAsync("?handler=Send", new() { ["text"] = "How long is the warranty?", ["terms"] = "true" });
        sent.AssertStatus(HttpStatusCode.OK);
        var answer = await widget.StreamAsync(WidgetClient.StreamOf(await sent.Content.ReadAsStringAsync())!);
        Assert.Contains("two years", answer.Done);
        Assert.DoesNotContain("data-testid=\"sources\"", answer.Done);
        Assert.DoesNotContain("data-testid=\"feedback\"", answer.Done);
        Assert.DoesNotContain("data-testid=\"follow-ups\"", answer.Done);
        Assert.DoesNotContain("without an AI model", answer.Done); // off by default for visitors

        // Switched back, the same answer shows its sources, feedback and follow-ups; and, asked for, that no AI model wrote it.
        await ws.Tenant.PostFormAsync(page, page, Form(("Input.HideSources", "false"), ("Input.HideFeedback", "false"), ("Input.FollowUpCount", "3"), ("Input.RequireTerms", "false"), ("Input.ShowNoModelNote", "true")));
        var again = await new WidgetClient(app, bot).AskStartedAsync("How long is the warranty?");
        Assert.Contains("data-testid=\"sources\"", again.Done);
        Assert.Contains("data-testid=\"feedback\"", again.Done);
        Assert.Contains("without an AI model", again.Done);
    }

    [Fact]
    public async Task Bad_values_get_field_messages_and_agents_and_other_workspaces_are_refused()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/settings/behavior";
        var bad = await a.Tenant.PostFormAsync(page, page, Form(("Input.FollowUpCount", "9"), ("Input.AutoOpenDesktopDelay", "500")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var text = await bad.TextAsync();
        Assert.Contains("Show between 0 and 5 follow-up suggestions.", text);
        Assert.Contains("Delays are between 0 and 120 seconds.", text);

        (await b.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", page, Form())).AssertStatus(HttpStatusCode.NotFound);
        var agent = await app.AgentOnBotAsync(a, bot);
        Assert.Contains("/account/access-denied", (await agent.GetAsync(page)).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync("/bots", page, Form())).RedirectTarget() ?? "");
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotBehaviors.IgnoreQueryFilters().Where(x => x.TenantId == a.TenantId).ToListAsync()));
    }
}

public sealed class BehaviorTests_Sqlite(SqliteApp app) : BehaviorTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class BehaviorTests_Postgres(PostgresApp app) : BehaviorTests<PostgresApp>(app);
