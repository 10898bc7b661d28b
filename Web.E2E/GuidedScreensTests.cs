using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

namespace Parley.E2E;

/// <summary>Every screen issue 18 changed, at desktop (1280×800) and phone (390×844) sizes: rendered, no sideways scrolling on the phone.</summary>
public class GuidedScreensTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task The_guided_screens_fit_desktop_and_phone()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("guide");
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/knowledge");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Q&A" }).ClickAsync();
        await page.GetByLabel("Question", new() { Exact = true }).FillAsync("Do you ship abroad?");
        await page.GetByLabel("Answer", new() { Exact = true }).FillAsync("Yes, we ship to 40 countries with tracked delivery.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Q&A" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=sources] [data-status=Ready]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        var widget = await app.NewPageAsync();
        await widget.GotoAsync($"{app.RootUrl}/widget/{bot}");
        foreach (var (question, answers) in new[] { ("Do you ship abroad?", 1), ("Can I pay by invoice?", 2) })
        {
            await widget.GetByLabel("Your message").FillAsync(question);
            await widget.GetByLabel("Your message").PressAsync("Enter");
            await Assertions.Expect(widget.Locator("[data-role=assistant][data-message]:not([data-state=streaming])")).ToHaveCountAsync(answers, new() { Timeout = 15_000 });
        }

        var state = await page.Context.StorageStateAsync();
        var desktop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, StorageState = state }));
        var phone = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, StorageState = state }));
        var tenant = app.TenantUrl(slug);
        var screens = new (string Name, string Url)[]
        {
            ("overview", $"{tenant}/dashboard"), ("bot", $"{tenant}/bots/{bot}"), ("knowledge", $"{tenant}/bots/{bot}/knowledge"),
            ("unanswered", $"{tenant}/bots/{bot}/unanswered"), ("conversations", $"{tenant}/bots/{bot}/conversations"), ("embed", $"{tenant}/bots/{bot}/embed"),
            ("behavior", $"{tenant}/bots/{bot}/settings/behavior"), ("localization", $"{tenant}/bots/{bot}/settings/localization/es"),
            ("starters", $"{tenant}/bots/{bot}/settings/starters"), ("analytics", $"{tenant}/analytics"), ("domains", $"{tenant}/domains"),
            ("audit", $"{tenant}/audit"), ("security", $"{tenant}/account/security"), ("billing", $"{tenant}/billing"),
            ("signup", $"{app.RootUrl}/signup"), ("terms", $"{app.RootUrl}/terms"),
        };
        var wide = new List<string>();
        foreach (var (name, url) in screens)
        {
            foreach (var (p, size) in new[] { (desktop, "desktop"), (phone, "phone") })
            {
                var response = await p.GotoAsync(url);
                Assert.True(response!.Ok, $"{name} ({size}) answered {response.Status}");
                await app.ScreenshotAsync(p, $"guided-{name}-{size}");
            }
            if (!await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")) wide.Add(name);
        }
        Assert.True(wide.Count == 0, $"Wider than a phone: {string.Join(", ", wide)}");
    }
}
