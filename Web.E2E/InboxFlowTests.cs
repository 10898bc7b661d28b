using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

namespace Parley.E2E;

/// <summary>
/// The live inbox with two browsers: a visitor on a verified customer page asks for a person; the agent's open inbox
/// shows it at once with the count in the tab title; the agent takes over and replies; the reply appears live in the
/// widget with the agent's name; the visitor's answer appears live in the inbox; the agent resolves; the visitor rates 5.
/// </summary>
public class InboxFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_visitor_escalates_and_an_agent_answers_live_until_resolved_and_rated()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("inbox");
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots/{bot}/settings/human-support");
        await page.GetByLabel("Let visitors ask for a person").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save human support" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("human-support")).ToContainTextAsync("Saved.");
        var scriptTag = await app.EmbedOnAsync(page, slug, bot, "inbox.localhost");
        app.Site.Pages["/"] = new($"<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Kettle Co</title></head><body><h1>Kettle Co</h1>{scriptTag}</body></html>");

        // The agent's inbox is open and empty.
        await page.GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("count-Waiting")).ToHaveTextAsync("0");
        await app.ScreenshotAsync(page, "inbox-empty");

        // A visitor on the customer's site asks, then asks for a person.
        var shop = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "en-GB" }));
        await shop.GotoAsync($"http://inbox.localhost:{app.Site.Port}/");
        await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat with Kettle helper" }).ClickAsync();
        var widget = shop.FrameLocator("iframe[title=Chat]");
        await widget.GetByLabel("Your message").FillAsync("My kettle leaks, can someone help?");
        await widget.GetByLabel("Your message").PressAsync("Enter");
        var ask = widget.GetByTestId("escalation").Last;
        await ask.GetByRole(AriaRole.Button, new() { Name = "Talk to a person" }).ClickAsync(new() { Timeout = 20_000 });
        await ask.GetByRole(AriaRole.Button, new() { Name = "Yes, continue" }).ClickAsync();
        await Assertions.Expect(widget.Locator("[data-role=activity]").Last).ToContainTextAsync("You're now chatting with our team");

        // The open inbox gets it live: the row, the count, the tab title.
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("count-Waiting")).ToHaveTextAsync("1");
        await Assertions.Expect(page).ToHaveTitleAsync(new Regex(@"^\(1\) Inbox"));
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToContainTextAsync("Kettle helper · inbox.localhost");
        await app.ScreenshotAsync(page, "inbox-waiting");

        // The agent opens it, takes over and replies with Enter.
        await page.GetByTestId("inbox-row").ClickAsync();
        await Assertions.Expect(page.GetByTestId("thread-messages")).ToContainTextAsync("My kettle leaks, can someone help?");
        await page.GetByTestId("take-over").ClickAsync();
        await Assertions.Expect(page.GetByTestId("hand-back")).ToBeVisibleAsync();
        await page.GetByTestId("inbox-text").FillAsync("Hi, I'm Wanda. Sorry to hear that! Is the leak at the base?");
        await page.GetByTestId("inbox-text").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#thread-messages [data-role=agent]").Last).ToContainTextAsync("Is the leak at the base?");
        await Assertions.Expect(page.GetByTestId("inbox-text")).ToHaveValueAsync("");

        // The widget shows it live, with the agent's name, and the header says a person answers now.
        await Assertions.Expect(widget.Locator("[data-role=agent]").Last).ToContainTextAsync("Is the leak at the base?");
        await Assertions.Expect(widget.GetByTestId("agent-name").Last).ToHaveTextAsync("Wanda");
        await Assertions.Expect(widget.GetByTestId("header-name")).ToHaveTextAsync("Wanda");
        await Assertions.Expect(widget.Locator("#status-line")).ToHaveTextAsync("Usually replies in a few minutes");
        await app.ScreenshotAsync(shop, "widget-agent-reply");

        // The agent types: the widget shows it. The visitor answers: the inbox shows it live.
        await page.GetByTestId("inbox-text").FillAsync("Let me check");
        await page.GetByTestId("inbox-text").PressSequentiallyAsync(" one thing…");
        await Assertions.Expect(widget.GetByTestId("typing")).ToBeVisibleAsync();
        await page.GetByTestId("inbox-text").FillAsync("");
        await widget.GetByLabel("Your message").FillAsync("Yes, right at the base.");
        await widget.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#thread-messages [data-role=user]").Last).ToContainTextAsync("Yes, right at the base.");
        await app.ScreenshotAsync(page, "inbox-conversation");

        // A private note stays with the team.
        await page.GetByTestId("note-mode").CheckAsync();
        await page.GetByTestId("inbox-text").FillAsync("Probably the seal: offer a replacement.");
        await page.GetByTestId("inbox-text").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#thread-messages [data-role=note]").Last).ToContainTextAsync("offer a replacement");
        await Task.Delay(500);
        await Assertions.Expect(widget.GetByText("offer a replacement")).ToHaveCountAsync(0);

        // Resolved: the widget says so and asks for a rating; the visitor gives 5 stars.
        await page.GetByTestId("resolve").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reopen")).ToBeVisibleAsync();
        await Assertions.Expect(widget.GetByTestId("conversation-closed")).ToBeVisibleAsync();
        await Assertions.Expect(widget.GetByTestId("composer")).ToBeHiddenAsync();
        await app.ScreenshotAsync(shop, "widget-resolved");
        await widget.GetByTestId("rate-5").ClickAsync();
        await widget.GetByLabel("Anything to add? (optional)").FillAsync("Quick and kind, thanks");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Send rating" }).ClickAsync();
        await Assertions.Expect(widget.GetByTestId("rating-thanks")).ToContainTextAsync("Thanks for your feedback!");
        await app.ScreenshotAsync(shop, "widget-rated");

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("rating")).ToContainTextAsync("Quick and kind, thanks");
        await app.ScreenshotAsync(page, "inbox-resolved");
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("thread")).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "inbox-phone-thread");
        await page.Locator("[data-close-thread]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("inbox-list")).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "inbox-phone-list");
    }
}
