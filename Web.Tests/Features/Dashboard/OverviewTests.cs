using System.Text.RegularExpressions;
using Parley.Features.Domains;

namespace Parley.Tests.Features.Dashboard;

/// <summary>The overview guides a new workspace to its first answered visitor, then shows the month's figures.</summary>
public abstract class OverviewTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static int[] Ticks(string html) => Regex.Matches(html, @"data-step-done=""(true|false)""").Select(m => m.Groups[1].Value == "true" ? 1 : 0).ToArray();

    [Fact]
    public async Task The_checklist_ticks_each_step_from_what_was_done_and_gives_way_to_the_figures()
    {
        var ws = await app.SignUpAsync();
        var html = await (await ws.Tenant.GetAsync("/dashboard")).TextAsync();
        Assert.Equal([0, 0, 0, 0, 0], Ticks(html));
        Assert.Contains("0 of 5 done", html);
        Assert.Matches(@"href=""/bots"">Start<span class=""sr-only"">: Create a chatbot", html);

        var bot = await ws.Tenant.CreateBotAsync("Kettle");
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Warranty"), ("content", "The kettle's warranty lasts two years.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        html = await (await ws.Tenant.GetAsync("/dashboard")).TextAsync();
        Assert.Equal([1, 1, 0, 0, 0], Ticks(html));
        Assert.Contains($"href=\"/bots/{bot}/playground\">Start", html);

        await ws.Tenant.PostFormAsync($"/bots/{bot}/playground", $"/bots/{bot}/playground?handler=Send", Http.Form(("text", "How long is the warranty?")));
        var domainId = await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var tenant = await db.Tenants.SingleAsync(t => t.Id == ws.TenantId);
            using var _ = sp.GetRequiredService<Parley.Infrastructure.Tenancy.ITenantContext>().Use(tenant);
            var domain = new Domain { Host = "shop.example", VerificationToken = Domain.NewToken(), Status = DomainStatus.Verified, CreatedAt = DateTimeOffset.UtcNow, VerifiedAt = DateTimeOffset.UtcNow };
            db.Domains.Add(domain);
            await db.SaveChangesAsync();
            return domain.Id;
        });
        await ws.Tenant.PostFormAsync($"/bots/{bot}/embed", $"/bots/{bot}/embed?handler=Domains", Http.Form(("domains", domainId.ToString())));
        html = await (await ws.Tenant.GetAsync("/dashboard")).TextAsync();
        Assert.Equal([1, 1, 1, 1, 0], Ticks(html));

        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        await visitor.AskAsync("How long is the warranty?");
        html = await (await ws.Tenant.GetAsync("/dashboard")).TextAsync();
        Assert.DoesNotContain("data-testid=\"setup\"", html);
        var figures = Regex.Replace(Regex.Replace(Regex.Match(html, @"data-testid=""figures"".*?</dl>", RegexOptions.Singleline).Value, @"<[^>]+>", " "), @"\s+", " ");
        Assert.Matches(@"Messages this month 1 of 100", figures);
        Assert.Matches(@"Conversations 1 ", figures);
        Assert.Matches(@"Waiting for a person 0 ", figures);
    }

    [Fact]
    public async Task Every_page_of_a_bot_carries_the_same_tab_bar_and_agents_see_no_settings_tab()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettle");
        foreach (var (path, current) in new[] { ("", "Overview"), ("/knowledge", "Knowledge"), ("/playground", "Playground"), ("/conversations", "Conversations"), ("/embed", "Embed"), ("/settings/appearance", "Settings") })
        {
            var html = await (await ws.Tenant.GetAsync($"/bots/{bot}{path}")).BodyAsync();
            var tabs = Regex.Match(html, @"data-testid=""bot-tabs"".*?</nav>", RegexOptions.Singleline).Value;
            Assert.Equal(["Overview", "Knowledge", "Playground", "Conversations", "Embed", "Analytics", "Settings"], Regex.Matches(tabs, @">(\w+)</a>").Select(m => m.Groups[1].Value));
            Assert.Matches($@"aria-current=""page""[^>]*>{current}</a>", tabs);
        }
        var agent = await app.AgentOnBotAsync(ws, bot);
        var asAgent = Regex.Match(await (await agent.GetAsync($"/bots/{bot}/knowledge")).BodyAsync(), @"data-testid=""bot-tabs"".*?</nav>", RegexOptions.Singleline).Value;
        Assert.DoesNotContain(">Settings</a>", asAgent);
        Assert.DoesNotContain(">Analytics</a>", asAgent);
        Assert.Contains(">Conversations</a>", asAgent);
    }
}

public sealed class OverviewTests_Sqlite(SqliteApp app) : OverviewTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class OverviewTests_Postgres(PostgresApp app) : OverviewTests<PostgresApp>(app);
