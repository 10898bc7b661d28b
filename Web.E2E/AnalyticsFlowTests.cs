using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

namespace Parley.E2E;

/// <summary>A visitor chats on a shop page; the owner finds it in Analytics (workspace and bot), changes the range and downloads the CSV.</summary>
public class AnalyticsFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_visitor_chat_shows_up_in_analytics_with_its_page_question_and_csv_on_desktop_and_phone()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("stats");
        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "stats.localhost");
        app.Site.Pages["/kettles"] = new($"<!doctype html><html lang=\"en\"><head><title>Our kettles</title></head><body><h1>Kettles</h1>{scriptTag}</body></html>");
        var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } }));
        await shop.GotoAsync($"http://stats.localhost:{app.Site.Port}/kettles");
        await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var widget = shop.FrameLocator("iframe[title=Chat]");
        foreach (var question in new[] { "Do you deliver on Sundays?", "Can you deliver on a Sunday?" })
        {
            await widget.GetByLabel("Your message").FillAsync(question);
            await widget.GetByLabel("Your message").PressAsync("Enter");
            await Assertions.Expect(widget.Locator("[data-role=assistant][data-message]:not([data-state=streaming])")).ToHaveCountAsync(question.StartsWith("Do") ? 1 : 2, new() { Timeout = 15_000 });
        }

        await page.GotoAsync($"{app.TenantUrl(slug)}/dashboard");
        await page.GetByRole(AriaRole.Link, new() { Name = "Analytics", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/analytics"));
        await Assertions.Expect(page.GetByTestId("figure-conversations")).ToContainTextAsync("1");
        await Assertions.Expect(page.GetByTestId("figure-conversations")).ToContainTextAsync("2 visitor messages");
        await Assertions.Expect(page.GetByTestId("figure-answered")).ToContainTextAsync("0 of 2 answers cited a source");
        await Assertions.Expect(page.GetByTestId("places-pages")).ToContainTextAsync("Our kettles");
        await Assertions.Expect(page.GetByTestId("places-domains")).ToContainTextAsync("stats.localhost");
        await Assertions.Expect(page.GetByTestId("top-questions")).ToContainTextAsync("2×");
        Assert.Contains("Conversations per day: 1 in all", await page.Locator("[data-testid=chart-conversations] svg title").First.TextContentAsync());
        Assert.Empty(await app.AxeAsync(page));
        await app.ScreenshotAsync(page, "analytics");

        // The bot's own tab, a shorter range, and the CSV.
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}");
        await page.GetByTestId("bot-tabs").GetByRole(AriaRole.Link, new() { Name = "Analytics" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Chatbot")).ToHaveValueAsync(bot);
        await page.GetByRole(AriaRole.Link, new() { Name = "Last 7 days" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Last 7 days" })).ToHaveAttributeAsync("aria-current", "true");
        await Assertions.Expect(page.GetByTestId("figure-conversations")).ToContainTextAsync("2 visitor messages");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("analytics-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Matches($@"\n{DateTime.UtcNow:yyyy-MM-dd},Kettle helper,1,2,2,2,0,", csv.Replace("\r", ""));

        var phone = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, StorageState = await page.Context.StorageStateAsync() }));
        await phone.GotoAsync($"{app.TenantUrl(slug)}/analytics?bot={bot}");
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The analytics page should fit a phone's width.");
        await app.ScreenshotAsync(phone, "analytics-phone");
    }
}
