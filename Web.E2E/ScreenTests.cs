using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

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
        await Assertions.Expect(page.GetByTestId("audit")).ToContainTextAsync("domain.added");
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
        await page.GetByLabel("Question", new() { Exact = true }).FillAsync("Do you ship abroad?");
        await page.GetByLabel("Answer", new() { Exact = true }).FillAsync("Yes, we ship to 40 countries with tracked delivery.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Q&A" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=sources] [data-status=Ready]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await page.GetByLabel("Test question").FillAsync("can you deliver to other countries?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-rank='1']")).ToContainTextAsync("Do you ship abroad?");
        await app.ScreenshotAsync(page, "knowledge");
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
