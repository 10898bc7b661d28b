using System.Text.RegularExpressions;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Knowledge;

public abstract class KnowledgePageTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Text_and_qa_are_trained_by_the_job_and_the_test_panel_finds_them()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        var added = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Qa", Http.Form(("question", "Do you ship abroad?"), ("answer", "Yes, we ship to 40 countries with tracked delivery.")));
        Assert.Contains("Training starts now", await added.TextAsync());
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Returns"), ("content", "# Returns\nRefunds are paid to the original card within 30 days.")));
        var invalid = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Empty"), ("content", " ")));
        invalid.AssertStatus(HttpStatusCode.UnprocessableEntity);
        // The refusal goes inside the form that caused it, not above the sources table.
        Assert.Equal("#text-error", invalid.Headers.GetValues("HX-Retarget").Single());
        Assert.Contains("text", (await invalid.TextAsync()).ToLowerInvariant());
        var plain = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Qa", Http.Form(("question", "Shipping?"), ("answer", "")), htmx: false);
        plain.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var plainHtml = await plain.TextAsync();
        Assert.Matches(@"<p id=""qa-error""[^>]*>[^<]+</p>", plainHtml);
        Assert.Matches(@"role=""tab"" id=""tab-qa""[^>]*aria-selected=""true""", plainHtml);
        Assert.Matches(@"id=""panel-qa""[^>]*class=""pt-4"">", plainHtml); // shown
        Assert.Matches(@"id=""panel-files""[^>]*hidden", plainHtml);
        Assert.True(plainHtml.IndexOf("data-testid=\"sources\"", StringComparison.Ordinal) < plainHtml.IndexOf("data-testid=\"add-knowledge\"", StringComparison.Ordinal), "The sources table comes first.");

        await app.WaitForSourcesAsync(ws.TenantId);
        var sources = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Sources")).TextAsync();
        Assert.Equal(2, Regex.Matches(sources, "data-status=\"Ready\"").Count);
        // Trained; the page keeps refreshing only while the passages are read for meaning in the background.
        for (var i = 0; i < 300 && sources.Contains("hx-trigger=\"every"); i++)
        {
            Assert.Contains("Reading passages for meaning", sources);
            await Task.Delay(200);
            sources = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Sources")).TextAsync();
        }
        Assert.DoesNotContain("hx-trigger=\"every", sources); // nothing left to poll for

        var results = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Search&q=how+long+until+my+refund")).TextAsync();
        Assert.True(Regex.IsMatch(results, "data-rank=\"1\">.*?Refunds are paid", RegexOptions.Singleline), results);
        Assert.Matches(new Regex("data-rank=\"1\">.*?Refunds are paid", RegexOptions.Singleline), results);
        Assert.Contains("Returns", results);
        var shipping = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Search&q=do+you+ship+to+other+countries")).TextAsync();
        Assert.Matches(new Regex("data-rank=\"1\">.*?Q: Do you ship abroad", RegexOptions.Singleline), shipping);

        var events = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().IngestionEvents.IgnoreQueryFilters()
            .Where(e => e.TenantId == ws.TenantId).Select(e => e.Step).ToListAsync());
        Assert.Contains(SourceStatus.Queued, events);
        Assert.Contains(SourceStatus.Embedding, events);
        Assert.Contains(SourceStatus.Ready, events);

        var returns = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Sources.IgnoreQueryFilters().SingleAsync(s => s.TenantId == ws.TenantId && s.Title == "Returns"));
        var removed = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Delete&sourceId={returns.Id}", []);
        Assert.Contains("Removed", await removed.TextAsync());
        var after = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Search&q=refund+original+card")).TextAsync();
        Assert.DoesNotContain("Refunds are paid", after);
        Assert.Equal(0, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().CountAsync(c => c.SourceId == returns.Id)));
    }

    [Fact]
    public async Task Knowledge_of_another_workspace_is_404_and_agents_cannot_add()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        (await b.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.GetHtmxAsync($"{page}?handler=Search&q=x")).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", $"{page}?handler=Text", Http.Form(("content", "injected")))).AssertStatus(HttpStatusCode.NotFound);
        Assert.Equal(0, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Sources.IgnoreQueryFilters().CountAsync(s => s.TenantId == a.TenantId)));

        var agent = await app.AgentOnBotAsync(a, bot);
        var view = await (await agent.GetAsync(page)).TextAsync();
        Assert.DoesNotContain("handler=Text", view);
        var post = await agent.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("content", "agent text")));
        Assert.Contains("/account/access-denied", post.RedirectTarget() ?? "");
        Assert.DoesNotContain("handler=Upload", view);
        Assert.DoesNotContain("handler=Website", view);
        var upload = await agent.UploadAsync(page, $"{page}?handler=Upload", "agent.txt", "agent file"u8.ToArray());
        Assert.Contains("/account/access-denied", upload.RedirectTarget() ?? "");

        await a.Tenant.PostFormAsync(page, $"{page}?handler=Qa", Http.Form(("question", "Owner question?"), ("answer", "Owner answer.")));
        var source = Assert.Single(await app.WaitForSourcesAsync(a.TenantId));
        foreach (var handler in new[] { "Website", "Retry", "Exclude&excluded=true", "Delete" })
        {
            var refused = await agent.PostFormAsync(page, $"{page}?handler={handler}&sourceId={source.Id}", Http.Form(("url", "https://example.com"), ("pages", "5")));
            Assert.Contains("/account/access-denied", refused.RedirectTarget() ?? $"{handler}: {(int)refused.StatusCode}");
        }
        Assert.Contains("Owner question?", await (await agent.GetHtmxAsync($"{page}?handler=Detail&sourceId={source.Id}")).TextAsync()); // agents may read the log
        var unchanged = Assert.Single(await app.SourcesAsync(a.TenantId));
        Assert.Equal((SourceStatus.Ready, false), (unchanged.Status, unchanged.Excluded));
    }
}

public sealed class KnowledgePageTests_Sqlite(SqliteApp app) : KnowledgePageTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class KnowledgePageTests_Postgres(PostgresApp app) : KnowledgePageTests<PostgresApp>(app);
