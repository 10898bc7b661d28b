using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

namespace Parley.E2E;

/// <summary>WCAG 2.2 AA checks by axe-core on the widget, the inbox and the main dashboard pages: no serious or critical violation.</summary>
public class AccessibilityTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task The_widget_the_inbox_and_the_dashboard_pages_have_no_serious_or_critical_violations()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("a11y");
        var problems = new List<string>();
        foreach (var path in new[] { "/dashboard", "/bots", $"/bots/{bot}", $"/bots/{bot}/knowledge", $"/bots/{bot}/playground", $"/bots/{bot}/embed",
                     $"/bots/{bot}/settings/appearance", $"/bots/{bot}/settings/behavior", $"/bots/{bot}/unanswered", "/inbox", "/team", "/billing", "/leads", "/analytics" })
        {
            await page.GotoAsync($"{app.TenantUrl(slug)}{path}");
            problems.AddRange((await app.AxeAsync(page)).Select(p => $"{path}: {p}"));
        }
        var widget = await app.NewPageAsync();
        await widget.GotoAsync($"{app.RootUrl}/widget/{bot}");
        problems.AddRange((await app.AxeAsync(widget)).Select(p => $"widget: {p}"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

/// <summary>The widget used with the keyboard alone on a customer's page.</summary>
public class KeyboardWidgetTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_keyboard_only_visitor_opens_the_chat_asks_and_closes_it_with_escape_back_on_the_launcher()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("keys");
        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "keys.localhost");
        app.Site.Pages["/"] = new($"<!doctype html><html lang=\"en\"><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Shop</title></head><body><h1>Shop</h1>{scriptTag}</body></html>");
        var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } }));
        await shop.GotoAsync($"http://keys.localhost:{app.Site.Port}/");
        var launcher = shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" });
        await Assertions.Expect(launcher).ToBeVisibleAsync();
        await shop.Keyboard.PressAsync("Tab");
        await Assertions.Expect(launcher).ToBeFocusedAsync();
        await shop.Keyboard.PressAsync("Enter");
        var widget = shop.FrameLocator("iframe[title=Chat]");
        await Assertions.Expect(widget.Locator("#composer-text")).ToBeFocusedAsync();
        await shop.Keyboard.TypeAsync("How long is the warranty?");
        await shop.Keyboard.PressAsync("Enter");
        await Assertions.Expect(widget.Locator("[data-role=user][data-message]").Last).ToContainTextAsync("How long is the warranty?");
        await Assertions.Expect(widget.Locator("[data-role=assistant][data-message]").Last).Not.ToBeEmptyAsync(new() { Timeout = 15_000 });
        await app.ScreenshotAsync(shop, "widget-keyboard");
        await shop.Keyboard.PressAsync("Escape");
        await Assertions.Expect(shop.Locator("iframe[title=Chat]")).ToBeHiddenAsync();
        await Assertions.Expect(launcher).ToBeFocusedAsync();
        Assert.Equal("false", await launcher.GetAttributeAsync("aria-expanded"));
        // Opened again, the keyboard is back in the conversation.
        await shop.Keyboard.PressAsync("Enter");
        await Assertions.Expect(widget.Locator("#composer-text")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task On_a_touch_phone_the_widget_s_controls_are_44_px_and_the_composer_text_16_px()
    {
        var (_, _, bot) = await app.WorkspaceWithBotAsync("touch");
        var phone = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true }));
        await phone.GotoAsync($"{app.RootUrl}/widget/{bot}");
        await Assertions.Expect(phone.Locator("#composer-text")).ToBeVisibleAsync();
        Assert.Equal("16px", await phone.Locator("#composer-text").EvaluateAsync<string>("e => getComputedStyle(e).fontSize"));
        var small = await phone.EvaluateAsync<string[]>("() => [...document.querySelectorAll('button, a[href]')].filter(e => e.offsetParent && (e.getBoundingClientRect().height < 44 || e.getBoundingClientRect().width < 44)).map(e => e.outerHTML.slice(0, 80))");
        Assert.True(small.Length == 0, string.Join("\n", small));
        var tiny = await phone.EvaluateAsync<string[]>("() => [...document.querySelectorAll('body *')].filter(e => e.offsetParent && e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && parseFloat(getComputedStyle(e).fontSize) < 11).map(e => e.outerHTML.slice(0, 80))");
        Assert.True(tiny.Length == 0, string.Join("\n", tiny));
        await app.ScreenshotAsync(phone, "widget-touch");
    }
}

/// <summary>The sign-up form's errors go as each field becomes valid; the pages carry Parley's icon.</summary>
public class SignUpFormTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Errors_clear_as_fields_become_valid_and_the_tab_shows_the_favicon()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync($"{app.RootUrl}/signup");
        Assert.Equal("/favicon.svg", await page.Locator("link[rel=icon]").GetAttributeAsync("href"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        var nameError = page.Locator("[data-valmsg-for='Input.FullName']");
        var passwordError = page.Locator("[data-valmsg-for='Input.Password']");
        await Assertions.Expect(nameError).ToHaveTextAsync("Tell us your name.");
        await page.GetByLabel("Your name").FillAsync("Ada");
        await Assertions.Expect(nameError).ToHaveTextAsync("");
        await page.GetByLabel("Password").FillAsync("short");
        await Assertions.Expect(passwordError).Not.ToHaveTextAsync(""); // still too short: the error stays
        await page.GetByLabel("Password").FillAsync("long enough now");
        await Assertions.Expect(passwordError).ToHaveTextAsync("");
        await app.ScreenshotAsync(page, "signup-errors-clearing");
    }
}
