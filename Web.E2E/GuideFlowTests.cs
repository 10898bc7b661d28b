using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

namespace Parley.E2E;

/// <summary>A new workspace follows the overview's checklist to its first visitor, then closes the loop on a question the bot could not answer.</summary>
public class GuideFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task The_checklist_ticks_as_the_owner_goes_and_an_unanswered_question_becomes_the_next_visitors_answer()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("guide");
        var steps = page.Locator("[data-step-done]");
        async Task TicksAsync(params string[] done)
        {
            await page.GotoAsync($"{app.TenantUrl(slug)}/dashboard");
            await Assertions.Expect(steps).ToHaveCountAsync(5);
            for (var i = 0; i < 5; i++) await Assertions.Expect(steps.Nth(i)).ToHaveAttributeAsync("data-step-done", done[i]);
        }
        await TicksAsync("true", "false", "false", "false", "false");
        await app.ScreenshotAsync(page, "guide-checklist-start");

        // Add knowledge from the checklist's own button.
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Start.*Add knowledge") }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Q&A" }).ClickAsync();
        await page.GetByLabel("Question", new() { Exact = true }).FillAsync("How long is the warranty?");
        await page.GetByLabel("Answer", new() { Exact = true }).FillAsync("Every kettle is covered for two years from the day of purchase.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Q&A" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=sources] [data-status=Ready]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await TicksAsync("true", "true", "false", "false", "false");

        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Start.*Try it in the playground") }).ClickAsync();
        await page.GetByLabel("Your message").FillAsync("How long is the warranty?");
        await page.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("debug").Last).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await TicksAsync("true", "true", "true", "false", "false");

        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "guide.localhost");
        await TicksAsync("true", "true", "true", "true", "false");

        // A visitor asks what the bot does not know.
        app.Site.Pages["/"] = new($"<!doctype html><html lang=\"en\"><head><title>Shop</title></head><body><h1>Shop</h1>{scriptTag}</body></html>");
        async Task<string> VisitorAsksAsync(string question, int answers)
        {
            var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } }));
            await shop.GotoAsync($"http://guide.localhost:{app.Site.Port}/");
            await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
            var widget = shop.FrameLocator("iframe[title=Chat]");
            await widget.GetByLabel("Your message").FillAsync(question);
            await widget.GetByLabel("Your message").PressAsync("Enter");
            var answer = widget.Locator("[data-role=assistant][data-message]:not([data-state=streaming])");
            await Assertions.Expect(answer).ToHaveCountAsync(answers, new() { Timeout = 15_000 });
            return await answer.Last.InnerTextAsync();
        }
        Assert.DoesNotContain("five working days", await VisitorAsksAsync("Do you ship to Canada?", 1));
        await page.GotoAsync($"{app.TenantUrl(slug)}/dashboard");
        await Assertions.Expect(page.Locator("[data-step-done]")).ToHaveCountAsync(0); // every step done: the checklist gives way to the figures
        await Assertions.Expect(page.GetByTestId("figures")).ToContainTextAsync("Conversations");

        // The owner answers it from Knowledge → Questions it could not answer; the next visitor gets that answer.
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/knowledge");
        await page.GetByRole(AriaRole.Link, new() { Name = "Questions it could not answer →" }).ClickAsync();
        var group = page.Locator("[data-group]", new() { HasText = "Do you ship to Canada?" });
        await Assertions.Expect(group).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "guide-unanswered");
        await group.Locator("details").EvaluateAsync("d => d.open = true");
        await group.GetByLabel("Answer").FillAsync("Yes: we ship to Canada, and parcels arrive within five working days.");
        await group.GetByRole(AriaRole.Button, new() { Name = "Add as Q&A and train" }).ClickAsync();
        await Assertions.Expect(page.Locator(".alert-success")).ToContainTextAsync("as a Q&A answer");
        await Assertions.Expect(page.Locator("[data-group]", new() { HasText = "Do you ship to Canada?" })).ToHaveCountAsync(0);
        string answer = "";
        for (var i = 0; i < 20 && !answer.Contains("five working days"); i++)
        {
            if (i > 0) await page.WaitForTimeoutAsync(500); // training takes a moment
            answer = await VisitorAsksAsync("Do you ship to Canada?", 1);
        }
        Assert.Contains("five working days", answer);
    }
}
