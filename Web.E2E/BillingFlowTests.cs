using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

namespace Parley.E2E;

/// <summary>Billing as an Owner meets it: a limit, the Upgrade prompt, the test-mode checkout, the plan in force at once.</summary>
public class BillingFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_free_workspace_at_its_bot_limit_upgrades_through_test_mode_checkout_and_creates_its_second_bot()
    {
        var (page, slug, _) = await app.WorkspaceWithBotAsync("billing");
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots");
        await Assertions.Expect(page.GetByTestId("upgrade-prompt")).ToContainTextAsync("Your plan includes 1 chatbot");
        await page.GetByTestId("upgrade-link").ClickAsync();
        await page.WaitForURLAsync($"{app.TenantUrl(slug)}/billing");
        await Assertions.Expect(page.GetByTestId("test-mode")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("usage")).ToContainTextAsync("1 of 1 chatbot");
        await app.ScreenshotAsync(page, "billing-free");

        var silver = page.Locator("[data-plan=silver]");
        await silver.GetByLabel("Extra chatbot (+$9)").CheckAsync();
        await silver.GetByRole(AriaRole.Button, new() { Name = "Choose Silver" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/billing/checkout\\?"));
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync("$38.00");
        await app.ScreenshotAsync(page, "billing-checkout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay $38.00 (test)" }).ClickAsync();
        await page.WaitForURLAsync($"{app.TenantUrl(slug)}/billing?checkout=paid");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("the payment went through");
        await Assertions.Expect(page.GetByTestId("usage")).ToContainTextAsync("1 of 3 chatbots");
        await Assertions.Expect(page.GetByTestId("payments")).ToContainTextAsync("Silver plan + Extra chatbot");
        await app.ScreenshotAsync(page, "billing-silver");

        await page.GetByRole(AriaRole.Link, new() { Name = "Chatbots", Exact = true }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Second helper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create chatbot" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/bots/bot_[0-9a-f]+"));

        // A renewal fails: every page says so and when the grace ends; a week later the workspace is paused and read-only.
        await app.UpdateSubscriptionAsync(slug, u => u.SetProperty(s => s.Status, Parley.Features.Plans.SubscriptionStatus.PastDue).SetProperty(s => s.PastDueSince, DateTimeOffset.UtcNow));
        await page.GotoAsync($"{app.TenantUrl(slug)}/dashboard");
        await Assertions.Expect(page.GetByTestId("billing-notice")).ToContainTextAsync("The last payment for Silver failed");
        await app.ScreenshotAsync(page, "billing-past-due");
        await app.UpdateSubscriptionAsync(slug, u => u.SetProperty(s => s.PastDueSince, DateTimeOffset.UtcNow.AddDays(-8)));
        await page.GotoAsync($"{app.TenantUrl(slug)}/bots");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Third helper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create chatbot" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("billing-notice")).ToContainTextAsync("paused because its bill is unpaid");
        await Assertions.Expect(page.GetByTestId("bots").Locator("[data-bot]")).ToHaveCountAsync(2);
        await app.ScreenshotAsync(page, "billing-paused");
        await app.UpdateSubscriptionAsync(slug, u => u.SetProperty(s => s.Status, Parley.Features.Plans.SubscriptionStatus.Active).SetProperty(s => s.PastDueSince, (DateTimeOffset?)null));

        // The same page on a phone.
        var phone = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true,
            StorageState = await page.Context.StorageStateAsync() });
        var small = await app.NewPageAsync(phone);
        await small.GotoAsync($"{app.TenantUrl(slug)}/billing");
        Assert.True(await small.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "Billing should fit a 390 px screen.");
        await app.ScreenshotAsync(small, "billing-phone");
    }

    [Fact]
    public async Task The_plans_page_offers_trials_with_the_catalogue_s_wording()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync($"{app.RootUrl}/#pricing");
        var gold = page.Locator("#pricing .card").Nth(2);
        await Assertions.Expect(gold).ToContainTextAsync("10,000 pages of knowledge");
        await Assertions.Expect(page.Locator("#pricing")).Not.ToContainTextAsync("API access");
        await app.ScreenshotAsync(page, "plans");
        await gold.GetByRole(AriaRole.Link, new() { Name = "Try Gold" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Start a 14-day Gold trial")).ToBeVisibleAsync();
        var phone = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var small = await app.NewPageAsync(phone);
        await small.GotoAsync($"{app.RootUrl}/#pricing");
        await app.ScreenshotAsync(small, "plans-phone");
    }
}
