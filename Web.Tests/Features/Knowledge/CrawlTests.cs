using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Knowledge;

/// <summary>
/// Websites and sitemaps crawled from a small site on loopback: links, robots.txt, a redirect, a 404, a page that
/// never ends, canonical and content duplicates, noindex, a PDF link; then a re-sync that redoes only what changed.
/// </summary>
public abstract class CrawlTests<TApp>(LoopbackSite site) : IClassFixture<LoopbackSite> where TApp : ParleyApp, new()
{
    private async Task<TApp> AppAsync(int sweepSeconds = 30)
    {
        var app = new TApp
        {
            Settings = new()
            {
                ["Parley:Ingestion:SweepSeconds"] = sweepSeconds.ToString(),
                ["Parley:Outbound:AllowLoopback"] = "true",
                ["Parley:Outbound:ExtraPorts:0"] = site.Port.ToString(),
                ["Parley:Outbound:TimeoutSeconds"] = "5", // cuts off the never-ending page; room for slow fetches on a busy machine
                ["Parley:Crawl:DelayMilliseconds"] = "0",
                ["Parley:Crawl:RetryDelayMilliseconds"] = "50",
            },
        };
        await app.InitializeAsync();
        return app;
    }

    private void Serve()
    {
        site.Pages.Clear();
        site.Pages["/robots.txt"] = new($"User-agent: *\nDisallow: /private\n\nUser-agent: OtherBot\nDisallow: /\n\nSitemap: {site.Origin}/sitemap.xml\n", "text/plain");
        site.Pages["/"] = SitePage.Html("Kettle Co", """
            <h1>Welcome to Kettle Co</h1><p>We sell kettles that last.</p>
            <a href="/about">About</a> <a href="/pricing#plans">Pricing</a> <a href="/private/secret">Staff</a> <a href="/old-page">Team (old link)</a>
            <a href="/missing">Broken</a> <a href="/never-ends">Live feed</a> <a href="/manual.pdf">Manual</a> <a href="http://example.org/">Elsewhere</a>
            <a href="/docs/guide">Guide</a> <a href="/docs/guide?ref=nav">Guide (tracked link)</a> <a href="/copy">Copy</a> <a href="/hidden">Hidden</a> <a href="mailto:hi@example.org">Mail us</a>
            """);
        site.Pages["/about"] = SitePage.Html("About", "<h1>About us</h1><p>We have made kettles in Porto since 1990.</p><a href=\"/team\">Team</a>");
        site.Pages["/copy"] = SitePage.Html("About (copy)", "<h1>About us</h1><p>We have made kettles in Porto since 1990.</p>");
        site.Pages["/team"] = SitePage.Html("Team", "<h1>Team</h1><p>Twelve engineers design every kettle.</p><a href=\"/deep\">Deeper</a>");
        site.Pages["/deep"] = SitePage.Html("Deep", "<p>Three clicks away: out of reach at depth two.</p>");
        site.Pages["/old-page"] = SitePage.Redirect("/pricing");
        site.Pages["/pricing"] = SitePage.Html("Pricing", "<h1>Pricing</h1><h2 id=\"plans\">Plans</h2><p>The Gold kettle costs 79 euros.</p>");
        site.Pages["/private/secret"] = SitePage.Html("Staff", "<p>Staff only: the alarm code is 1234.</p>");
        site.Pages["/manual.pdf"] = new("%PDF-1.4 not really", "application/pdf");
        site.Pages["/docs/guide"] = SitePage.Html("Guide", "<h1>Guide</h1><p>Descale monthly with citric acid.</p>", $"<link rel=\"canonical\" href=\"{site.Origin}/docs/guide\">");
        site.Pages["/docs/guide?ref=nav"] = SitePage.Html("Guide", "<h1>Guide</h1><p>Descale monthly with citric acid.</p>", $"<link rel=\"canonical\" href=\"{site.Origin}/docs/guide\">");
        site.Pages["/hidden"] = SitePage.Html("Hidden", "<p>Draft page.</p>", "<meta name=\"robots\" content=\"noindex\">");
        site.Pages["/sitemap.xml"] = new($"""<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{site.Origin}/sitemap-pages.xml</loc></sitemap></sitemapindex>""", "application/xml");
        site.Pages["/sitemap-pages.xml"] = new($"""<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site.Origin}/pricing</loc></url><url><loc>{site.Origin}/team</loc></url><url><loc>{site.Origin}/gone</loc></url><url><loc>http://example.org/elsewhere</loc></url></urlset>""", "application/xml");
    }

    private static Task<List<SourcePage>> PagesAsync(ParleyApp app, Guid sourceId) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().SourcePages.IgnoreQueryFilters().Where(p => p.SourceId == sourceId).ToListAsync());

    private static Task<List<Parley.Features.Knowledge.Search.Chunk>> ChunksAsync(ParleyApp app, Guid sourceId) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().Where(c => c.SourceId == sourceId).ToListAsync());

    [Fact]
    public async Task Website_crawl_takes_the_right_pages_reports_the_rest_and_resyncs_only_changes()
    {
        Serve();
        await using var app = await AppAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        var added = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Website", Http.Form(("url", site.Origin + "/"), ("kind", "website"), ("depth", "2"), ("pages", "50")));
        Assert.Contains("Training starts now", await added.TextAsync());
        var source = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 60));
        Assert.Equal(SourceStatus.Ready, source.Status);

        var pages = (await PagesAsync(app, source.Id)).ToDictionary(p => p.Url[site.Origin.Length..]);
        string[] indexed = ["/", "/about", "/team", "/pricing", "/docs/guide"];
        Assert.Equal(indexed.Order(), pages.Where(p => p.Value.Status == PageStatus.Indexed).Select(p => p.Key).Order());
        Assert.Equal(indexed.Length, source.Pages);
        Assert.Contains("robots.txt", pages["/private/secret"].Reason);
        Assert.Contains("HTTP 404", pages["/missing"].Reason);
        Assert.Contains("took too long", pages["/never-ends"].Reason);
        Assert.Contains("Not a web page (application/pdf)", pages["/manual.pdf"].Reason);
        Assert.Contains("Same page as", pages["/docs/guide?ref=nav"].Reason);
        Assert.Contains("Same text as", pages["/copy"].Reason);
        Assert.Contains("noindex", pages["/hidden"].Reason);
        Assert.Contains("HTTP 404", pages["/legal"].Reason); // footer link: followed though its text is not kept
        Assert.False(pages.ContainsKey("/deep")); // beyond the depth
        Assert.DoesNotContain(pages.Keys, k => k.Contains("example.org"));

        var chunks = await ChunksAsync(app, source.Id);
        Assert.DoesNotContain(chunks, c => c.Text.Contains("alarm code") || c.Text.Contains("© Kettle Co"));
        Assert.Contains(chunks, c => c.Url == site.Origin + "/pricing" && c.Headings == "Pricing › Plans" && c.Text.Contains("79 euros"));
        var detail = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Detail&sourceId={source.Id}")).TextAsync();
        Assert.Contains("Blocked by the site's robots.txt", detail);
        Assert.Contains("5 pages indexed", detail);

        // Re-sync after the site changed: one page edited, one gone; the rest are kept as they were.
        var before = chunks.ToDictionary(c => c.Id, c => c.Url);
        site.Pages["/pricing"] = SitePage.Html("Pricing", "<h1>Pricing</h1><h2>Plans</h2><p>The Gold kettle now costs 89 euros.</p>");
        site.Pages.TryRemove("/about", out _);
        var resync = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Retry&sourceId={source.Id}", []);
        Assert.Contains("queued again", await resync.TextAsync());
        source = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 60));
        Assert.Equal(SourceStatus.Ready, source.Status);
        var after = await ChunksAsync(app, source.Id);
        Assert.Contains(after, c => c.Text.Contains("89 euros"));
        Assert.DoesNotContain(after, c => c.Text.Contains("79 euros") || c.Url == site.Origin + "/about");
        // /copy had the same text as /about; with /about gone it is a page of its own now.
        Assert.Contains(after, c => c.Url == site.Origin + "/copy");
        var kept = after.Where(c => c.Url is { } u && !u.EndsWith("/pricing") && !u.EndsWith("/copy")).Select(c => c.Id).ToList();
        Assert.Equal(2, kept.Count);
        Assert.All(kept, id => Assert.True(before.ContainsKey(id), "An unchanged page's passage was rewritten."));
        Assert.Equal(4, source.Pages);
        Assert.Contains("2 new or changed, 2 unchanged", await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Detail&sourceId={source.Id}")).TextAsync());
    }

    [Fact]
    public async Task Sitemap_index_lists_the_pages_to_read()
    {
        Serve();
        await using var app = await AppAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Website", Http.Form(("url", site.Origin + "/sitemap.xml"), ("kind", "sitemap"), ("pages", "10")));
        var source = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 60));
        Assert.True(source.Status == SourceStatus.Ready, source.Error);
        Assert.Equal(SourceKind.Sitemap, source.Kind);
        var pages = (await PagesAsync(app, source.Id)).ToDictionary(p => p.Url[site.Origin.Length..], p => p.Status);
        Assert.Equal(new Dictionary<string, PageStatus> { ["/pricing"] = PageStatus.Indexed, ["/team"] = PageStatus.Indexed, ["/gone"] = PageStatus.Failed }, pages);

        var results = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Search&q=how+much+is+the+gold+kettle")).TextAsync();
        Assert.Contains("79 euros", results);
        Assert.Contains(site.Origin + "/pricing", results);
    }

    [Fact]
    public async Task Website_with_auto_sync_is_re_synced_when_the_plan_schedule_comes_due()
    {
        Serve();
        await using var app = await AppAsync(sweepSeconds: 1);
        var ws = await app.SignUpAsync();
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.Limits.AutoSync, Parley.Features.Plans.SyncFrequency.Weekly));
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        Assert.Contains("Re-sync automatically weekly", await (await ws.Tenant.GetAsync(page)).TextAsync());
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Website", Http.Form(("url", site.Origin + "/pricing"), ("depth", "0"), ("pages", "5"), ("autoSync", "true")));
        var source = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId));
        Assert.True(source.AutoSync);
        await Task.Delay(2500);
        Assert.Equal(source.LastSyncedAt, Assert.Single(await app.SourcesAsync(ws.TenantId)).LastSyncedAt); // not due yet: left alone

        site.Pages["/pricing"] = SitePage.Html("Pricing", "<h1>Pricing</h1><p>The Gold kettle costs 99 euros from Monday.</p>");
        var eightDaysAgo = DateTimeOffset.UtcNow.AddDays(-8);
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Sources.IgnoreQueryFilters().Where(s => s.Id == source.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSyncedAt, eightDaysAgo)));
        Source? synced = null;
        for (var i = 0; i < 150 && synced is null; i++)
        {
            await Task.Delay(100);
            var now = Assert.Single(await app.SourcesAsync(ws.TenantId));
            if (now.Status == SourceStatus.Ready && now.LastSyncedAt > eightDaysAgo.AddDays(1)) synced = now;
        }
        Assert.NotNull(synced);
        Assert.Contains(await ChunksAsync(app, source.Id), c => c.Text.Contains("99 euros"));
        Assert.Contains("Scheduled re-sync", await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Detail&sourceId={source.Id}")).TextAsync());
    }

    [Fact]
    public async Task Transient_failures_are_tried_again_and_the_report_says_so()
    {
        Serve();
        site.Requests.Clear();
        site.Pages["/"] = SitePage.Html("Kettle Co", "<h1>Kettle Co</h1><p>We sell kettles.</p><a href=\"/busy\">Busy</a> <a href=\"/reset\">Reset</a> <a href=\"/down\">Down</a>");
        site.Pages["/busy"] = SitePage.Html("Busy", "<p>Our shop is busy on Mondays.</p>") with { FailFirst = 2, FailWith = 503 };
        site.Pages["/reset"] = SitePage.Html("Reset", "<p>Returns are free for thirty days.</p>") with { FailFirst = 1, FailWith = 0 };
        site.Pages["/down"] = SitePage.Html("Down", "<p>Never served.</p>") with { FailFirst = 100, FailWith = 500 };
        await using var app = await AppAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Website", Http.Form(("url", site.Origin + "/"), ("depth", "1"), ("pages", "10")));
        var source = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 60));
        Assert.Equal(SourceStatus.Ready, source.Status);
        var pages = (await PagesAsync(app, source.Id)).ToDictionary(p => p.Url[site.Origin.Length..]);
        Assert.Equal(PageStatus.Indexed, pages["/busy"].Status);
        Assert.Equal(PageStatus.Indexed, pages["/reset"].Status);
        Assert.Equal(3, site.Requests["/busy"]);
        Assert.Equal(2, site.Requests["/reset"]);
        Assert.Equal(PageStatus.Failed, pages["/down"].Status);
        Assert.Equal("The site answered HTTP 500. Tried 3 times.", pages["/down"].Reason);
        Assert.Equal(3, site.Requests["/down"]);
        var detail = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Detail&sourceId={source.Id}")).TextAsync();
        Assert.Contains("3 pages needed another try after a network error or a busy site", detail);
    }

    [Fact]
    public async Task Bad_addresses_and_unreachable_sites_are_explained()
    {
        Serve();
        await using var app = await AppAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        async Task<string> Refused(params (string, string)[] fields)
        {
            var response = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Website", Http.Form(fields));
            response.AssertStatus(HttpStatusCode.UnprocessableEntity);
            return await response.TextAsync();
        }
        Assert.Contains("Enter the website's address", await Refused(("url", "not a url at all"), ("depth", "1"), ("pages", "5")));
        Assert.Contains("10.0.0.1 is a private address", await Refused(("url", "http://10.0.0.1/"), ("depth", "1"), ("pages", "5")));
        Assert.Contains("Choose between 1 and 100 pages", await Refused(("url", site.Origin), ("depth", "1"), ("pages", "500")));
        Assert.Contains("depth between 0 and 5", await Refused(("url", site.Origin), ("depth", "9"), ("pages", "5")));

        site.Pages["/robots.txt"] = new("User-agent: *\nDisallow: /\n", "text/plain");
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Website", Http.Form(("url", site.Origin + "/"), ("depth", "1"), ("pages", "5")));
        var source = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 30));
        Assert.True(source.Status == SourceStatus.Failed, string.Join("\n", (await PagesAsync(app, source.Id)).Select(p => $"{p.Url} {p.Status} {p.Reason}")));
        Assert.Equal("No page could be indexed. Blocked by the site's robots.txt.", source.Error);
        Assert.Contains("is already a source", await Refused(("url", site.Origin + "/"), ("depth", "1"), ("pages", "5")));
    }
}

public sealed class CrawlTests_Sqlite(LoopbackSite site) : CrawlTests<SqliteApp>(site);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class CrawlTests_Postgres(LoopbackSite site) : CrawlTests<PostgresApp>(site);
