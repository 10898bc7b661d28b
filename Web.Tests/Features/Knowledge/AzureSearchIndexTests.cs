using System.Text;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Knowledge;

/// <summary>Azure AI Search as the index, against a local server that holds us to the service's REST contract.</summary>
public sealed class AzureSearchIndexTests(FakeAzureSearch search) : IClassFixture<FakeAzureSearch>
{
    private async Task<SqliteApp> AppAsync()
    {
        var app = new SqliteApp
        {
            Settings = new()
            {
                ["Parley:Search:Provider"] = "AzureAISearch",
                ["Parley:Search:Endpoint"] = search.Endpoint,
                ["Parley:Search:ApiKey"] = FakeAzureSearch.Key,
                ["Parley:Search:IndexName"] = "parley-test",
                ["Parley:Search:Dimensions"] = "256", // the embedded hashing embedder's size
            },
            TestServices = search.Trust,
        };
        await app.InitializeAsync();
        return app;
    }

    [Fact]
    public async Task Passages_are_pushed_searched_hybrid_and_removed_with_their_source_and_bot()
    {
        await using var app = await AppAsync();
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/knowledge";
        await a.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Warranty"), ("content", "Every kettle has a two year warranty covering the heating element.")));
        await a.Tenant.PostFormAsync(page, $"{page}?handler=Qa", Http.Form(("question", "Do you deliver on Sundays?"), ("answer", "No, deliveries run Monday to Saturday.")));
        (await a.Tenant.UploadAsync(page, $"{page}?handler=Upload", "hours.txt", Encoding.UTF8.GetBytes("The shop opens at nine."))).AssertStatus(HttpStatusCode.OK);
        var sources = await app.WaitForSourcesAsync(a.TenantId);
        Assert.All(sources, s => Assert.Equal(SourceStatus.Ready, s.Status));

        Assert.Empty(search.Violations);
        var index = search.Index!;
        Assert.Equal("parley-test", (string?)index["name"]);
        var docs = search.Documents.Values.Where(d => (string?)d["tenantId"] == a.TenantId.ToString()).ToList();
        Assert.Equal(3, docs.Count);
        Assert.All(docs, d => Assert.Equal(256, d["vector"]!.AsArray().Count));

        var results = await (await a.Tenant.GetHtmxAsync($"{page}?handler=Search&q=how+long+is+the+warranty")).TextAsync();
        Assert.Matches(new System.Text.RegularExpressions.Regex("data-rank=\"1\">.*?two year warranty", System.Text.RegularExpressions.RegexOptions.Singleline), results);
        Assert.Contains("Updating the search index", await (await a.Tenant.GetHtmxAsync($"{page}?handler=Detail&sourceId={sources[0].Id}")).TextAsync());

        // Another workspace's bot never sees these passages: every query is filtered by tenant and bot.
        var other = await b.Tenant.CreateBotAsync();
        var foreign = await (await b.Tenant.GetHtmxAsync($"/bots/{other}/knowledge?handler=Search&q=warranty+kettle")).TextAsync();
        Assert.DoesNotContain("two year warranty", foreign);

        var warranty = sources.Single(s => s.Title == "Warranty");
        // Index entries go right after the deletion commits, from a background job.
        async Task GoneAsync(Func<System.Text.Json.Nodes.JsonObject, bool> match)
        {
            for (var i = 0; i < 200 && search.Documents.Values.Any(match); i++) await Task.Delay(50);
            Assert.DoesNotContain(search.Documents.Values, d => match(d));
        }
        await a.Tenant.PostFormAsync(page, $"{page}?handler=Delete&sourceId={warranty.Id}", []);
        await GoneAsync(d => (string?)d["sourceId"] == warranty.Id.ToString());
        var hours = sources.Single(s => s.FileName == "hours.txt");
        await a.Tenant.PostFormAsync(page, $"{page}?handler=Exclude&sourceId={hours.Id}&excluded=true", []);
        await GoneAsync(d => (string?)d["sourceId"] == hours.Id.ToString());
        await a.Tenant.PostFormAsync(page, $"{page}?handler=Exclude&sourceId={hours.Id}&excluded=false", []);
        await app.WaitForSourcesAsync(a.TenantId);
        Assert.Contains(search.Documents.Values, d => (string?)d["sourceId"] == hours.Id.ToString());

        (await a.Tenant.PostFormAsync($"/bots/{bot}", $"/bots/{bot}?handler=Delete", Http.Form(("confirmation", "Kettles")))).AssertStatus(HttpStatusCode.NoContent);
        await GoneAsync(d => (string?)d["tenantId"] == a.TenantId.ToString());
        Assert.Empty(search.Violations);
    }
}
