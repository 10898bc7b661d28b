using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;

namespace Parley.E2E;

/// <summary>An owner on Gold makes an API key, uses it, sees the request in the log, revokes it; adds a webhook endpoint; the pages fit a phone and pass axe.</summary>
public class DevelopersFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task An_owner_makes_a_key_uses_it_reads_the_log_revokes_it_and_adds_a_webhook()
    {
        var (page, slug, bot) = await app.WorkspaceWithBotAsync("devs");
        await app.UpdateSubscriptionAsync(slug, u => u.SetProperty(s => s.Limits.ApiAccess, true).SetProperty(s => s.Limits.Webhooks, true).SetProperty(s => s.Limits.Integrations, true));
        await page.GotoAsync($"{app.TenantUrl(slug)}/dashboard");
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys", Exact = true }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Website CMS");
        await page.GetByLabel("Write: add and remove sources").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Make key" }).ClickAsync();
        var secret = (await page.Locator("#new-key").InnerTextAsync()).Trim();
        Assert.Matches("^pk_[0-9a-f]{8}_[0-9a-f]{40}$", secret);
        await Assertions.Expect(page.GetByTestId("keys")).ToContainTextAsync("read, write");
        Assert.Empty(await app.AxeAsync(page));
        await app.ScreenshotAsync(page, "api-keys");

        using var api = new HttpClient { BaseAddress = new Uri(app.RootUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Contains(bot, await api.GetStringAsync("/api/v1/bots"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Request log" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-log")).ToContainTextAsync("GET /api/v1/bots");
        await app.ScreenshotAsync(page, "api-request-log");
        await page.GetByRole(AriaRole.Link, new() { Name = "← API keys" }).ClickAsync();
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke Website CMS" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("key-status")).ToContainTextAsync("Revoked");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/bots")).StatusCode);

        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks", Exact = true }).ClickAsync();
        await page.GetByLabel("Address", new() { Exact = true }).FillAsync($"http://127.0.0.1:{app.Site.Port}/parley-events");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("endpoints")).ToContainTextAsync("/parley-events");
        await Assertions.Expect(page.GetByTestId("endpoint-state")).ToHaveTextAsync("On");
        Assert.Empty(await app.AxeAsync(page));
        await app.ScreenshotAsync(page, "webhooks");

        var phone = await app.NewPageAsync(await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, StorageState = await page.Context.StorageStateAsync() }));
        foreach (var (path, name) in new[] { ("/api-keys", "api-keys-phone"), ("/webhooks", "webhooks-phone") })
        {
            await phone.GotoAsync($"{app.TenantUrl(slug)}{path}");
            Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{path} should fit a phone's width.");
            await app.ScreenshotAsync(phone, name);
        }
        await phone.GotoAsync($"{app.RootUrl}/docs/api");
        Assert.Empty(await app.AxeAsync(phone));
        await app.ScreenshotAsync(phone, "api-reference-phone");
    }
}
