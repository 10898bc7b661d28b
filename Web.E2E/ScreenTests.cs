using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;
using Parley.Tests.Infrastructure;

namespace Parley.E2E;

/// <summary>The main screens as a person sees them: phone width, dark mode, the pages around sign-in.</summary>
public class ScreenTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private async Task<(IPage Page, string Slug)> SignedInAsync(IBrowserContext context)
    {
        var slug = $"screens-{Guid.NewGuid().ToString("n")[..8]}";
        var page = await app.NewPageAsync(context);
        await page.GotoAsync($"{app.RootUrl}/signup");
        await page.GetByLabel("Your name").FillAsync("Linus Screens");
        await page.GetByLabel("Work email").FillAsync($"{slug}@example.test");
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByLabel("Workspace name").FillAsync("Screens Ltd");
        await page.GetByLabel("Subdomain").FillAsync(slug);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard"));
        return (page, slug);
    }

    [Fact]
    public async Task Dashboard_on_a_phone_hides_the_sidebar_behind_a_menu_button()
    {
        var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var (page, _) = await SignedInAsync(context);
        var sidebar = page.Locator("#sidebar");
        Assert.True((await sidebar.BoundingBoxAsync())!.X < 0, "The sidebar should start off-screen on a phone.");
        await app.ScreenshotAsync(page, "dashboard-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open menu" }).ClickAsync();
        await page.WaitForTimeoutAsync(300); // the slide-in transition
        Assert.True((await sidebar.BoundingBoxAsync())!.X >= 0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Workspace settings", Exact = true })).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "dashboard-phone-menu");
    }

    [Fact]
    public async Task Dark_mode_toggle_sticks_across_pages()
    {
        var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        var (page, slug) = await SignedInAsync(context);
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" }).ClickAsync();
        await page.GotoAsync($"{app.TenantUrl(slug)}/account/security");
        Assert.Equal("dark", await page.EvaluateAsync<string>("document.documentElement.className.includes('dark') ? 'dark' : 'light'"));
        await app.ScreenshotAsync(page, "security-dark");
        await page.GotoAsync($"{app.TenantUrl(slug)}/account/profile");
        await app.ScreenshotAsync(page, "profile-dark");
    }

    [Fact]
    public async Task Domains_and_audit_pages_show_what_was_done()
    {
        var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        var (page, slug) = await SignedInAsync(context);
        await page.GotoAsync($"{app.TenantUrl(slug)}/domains");
        await Assertions.Expect(page.GetByText("No domains yet")).ToBeVisibleAsync();
        await page.GetByLabel("Website domain").FillAsync("https://www.Example.com/shop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add domain" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-host='www.example.com']")).ToContainTextAsync("Waiting for verification");
        await Assertions.Expect(page.Locator("[data-host='www.example.com']")).ToContainTextAsync("parley-site-verification");
        await app.ScreenshotAsync(page, "domains");
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit")).ToContainTextAsync("Domain: added");
        await app.ScreenshotAsync(page, "audit");
    }

    [Fact]
    public async Task Owner_creates_a_chatbot_and_opens_it()
    {
        var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        var (page, _) = await SignedInAsync(context);
        await page.GetByRole(AriaRole.Link, new() { Name = "Chatbots", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bots-empty")).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "bots-empty");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Support assistant");
        await page.GetByLabel("Type").SelectOptionAsync("KnowledgeBase");
        await page.GetByLabel("What it's for").FillAsync("Answers questions about orders and returns");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create chatbot" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/bots/bot_[0-9a-f]+\\?created=true"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Support assistant");
        await app.ScreenshotAsync(page, "bot");
        await page.GetByRole(AriaRole.Link, new() { Name = "← Chatbots" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bots")).ToContainTextAsync("Support assistant");
        await app.ScreenshotAsync(page, "bots");

        // Knowledge: the new source trains in the background and the list updates without a reload.
        await page.GetByRole(AriaRole.Link, new() { Name = "Support assistant" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Open knowledge" }).ClickAsync();
        // The sources table comes first; the four ways to add knowledge are tabs below it, reachable by keyboard too.
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Files" })).ToHaveAttributeAsync("aria-selected", "true");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Files" }).FocusAsync();
        await page.Keyboard.PressAsync("End");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Q&A" })).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Tabpanel)).ToHaveCountAsync(1); // only the chosen form shows
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Q&A" }).ClickAsync();
        await Assertions.Expect(page.Locator("#qa-error")).ToContainTextAsync("question"); // the refusal sits in the form that caused it
        await page.GetByLabel("Question", new() { Exact = true }).FillAsync("Do you ship abroad?");
        await page.GetByLabel("Answer", new() { Exact = true }).FillAsync("Yes, we ship to 40 countries with tracked delivery.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Q&A" }).ClickAsync();
        await Assertions.Expect(page.Locator("#qa-error")).ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("[data-testid=sources] [data-status=Ready]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await page.GetByLabel("Test question").FillAsync("can you deliver to other countries?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-rank='1']")).ToContainTextAsync("Do you ship abroad?");
        await app.ScreenshotAsync(page, "knowledge");
    }

    [Fact]
    public async Task Owner_trains_a_bot_on_a_pdf_and_a_website_and_sees_the_right_passage_first()
    {
        var site = app.Site;
        site.Pages["/"] = SitePage.Html("Kettle Co", "<h1>Kettle Co</h1><p>Kettles for every kitchen.</p><a href=\"/delivery\">Delivery</a> <a href=\"/missing\">Old page</a>");
        site.Pages["/delivery"] = SitePage.Html("Delivery", "<h1>Delivery</h1><p>Parcels arrive within three working days anywhere in Portugal.</p>");
        var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var (page, _) = await SignedInAsync(context);
        await page.GetByRole(AriaRole.Link, new() { Name = "Chatbots", Exact = true }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Kettle helper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create chatbot" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Open knowledge" }).ClickAsync();
        await page.EvaluateAsync("window.__noReload = true");

        await page.SetInputFilesAsync("#upload-input", new FilePayload[]
        {
            new() { Name = "handbook.pdf", MimeType = "application/pdf", Buffer = TestFiles.Pdf("Kettle handbook. Fill to the line.", "Warranty: every kettle is covered for two years.") },
            new() { Name = "notes.docx", MimeType = "application/octet-stream", Buffer = TestFiles.Pdf("Not really Word") },
        });
        await Assertions.Expect(page.Locator("[data-testid=upload-list] li[data-result=ok]")).ToContainTextAsync("handbook.pdf");
        await Assertions.Expect(page.Locator("[data-testid=upload-list] li[data-result=error]")).ToContainTextAsync("named .docx but its content is a PDF");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Website" }).ClickAsync();
        await page.GetByLabel("Address").FillAsync(site.Origin + "/");
        await page.GetByLabel("Link depth").FillAsync("1");
        await page.GetByLabel("Page limit").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add website" }).ClickAsync();
        await Assertions.Expect(page.Locator("#sources")).ToContainTextAsync("Training starts now");
        await Assertions.Expect(page.Locator("[data-testid=sources] [data-status=Ready]")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.__noReload === true"), "The page reloaded; statuses should update in place.");
        await Assertions.Expect(page.Locator("[data-testid=sources]")).ToContainTextAsync("2 pages");
        await app.ScreenshotAsync(page, "knowledge-files-website");

        await page.GetByLabel("Test question").FillAsync("how long is the kettle warranty?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-rank='1']")).ToContainTextAsync("handbook · page 2");
        await Assertions.Expect(page.Locator("[data-rank='1']")).ToContainTextAsync("covered for two years");
        await page.GetByLabel("Test question").FillAsync("when will my parcel arrive?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-rank='1']")).ToContainTextAsync("three working days");
        await Assertions.Expect(page.Locator("[data-rank='1']")).ToContainTextAsync(site.Origin + "/delivery");

        await page.Locator("[data-testid=sources] tr", new() { HasText = "127.0.0.1" }).GetByRole(AriaRole.Button, new() { Name = "Log" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("page-report")).ToContainTextAsync("HTTP 404");
        await Assertions.Expect(page.GetByTestId("ingestion-events")).ToContainTextAsync("2 pages indexed");
        await app.ScreenshotAsync(page, "source-log");
    }

    [Fact]
    public async Task Sign_in_landing_and_not_found_pages_render()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.RootUrl);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("AI chatbot");
        await app.ScreenshotAsync(page, "landing");
        await page.GotoAsync($"{app.RootUrl}/account/login");
        await page.GetByLabel("Email").FillAsync("nobody@example.test");
        await page.GetByLabel("Password").FillAsync("wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#login-form")).ToContainTextAsync("Wrong email or password.");
        await app.ScreenshotAsync(page, "login-error");
        var missing = await page.GotoAsync($"http://no-such-place.localhost:{app.Port}/");
        Assert.Equal(404, missing!.Status);
        await app.ScreenshotAsync(page, "workspace-not-found");
    }
}
