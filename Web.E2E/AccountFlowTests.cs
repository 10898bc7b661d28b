using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;
using Parley.Tests.Infrastructure;

namespace Parley.E2E;

public class AccountFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Password = "correct horse battery";

    private async Task<(IPage Page, string Slug, string Email)> SignUpAsync(string prefix)
    {
        var slug = $"{prefix}-{Guid.NewGuid().ToString("n")[..8]}";
        var email = $"{slug}@example.test";
        var page = await app.NewPageAsync();
        await page.GotoAsync($"{app.RootUrl}/signup");
        await page.GetByLabel("Your name").FillAsync("Grace Hopper");
        await page.GetByLabel("Work email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByLabel("Workspace name").FillAsync($"{prefix} Corp");
        await page.GetByLabel("Subdomain").FillAsync(slug);
        await Assertions.Expect(page.Locator("#slug-status")).ToContainTextAsync("is available");
        return (page, slug, email);
    }

    [Fact]
    public async Task Sign_up_then_confirm_email_from_the_mail_lands_on_the_subdomain_dashboard()
    {
        var (page, slug, email) = await SignUpAsync("acme");
        await app.ScreenshotAsync(page, "signup");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();

        await page.WaitForURLAsync($"{app.TenantUrl(slug)}/dashboard?welcome=true");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Welcome to Parley, Grace!");
        await Assertions.Expect(page.Locator("#confirm-banner")).ToBeVisibleAsync();

        var mail = await app.Mail.WaitForAsync(email, "Confirm your email");
        await page.GotoAsync(mail.Link("/account/confirm-email").ToString());
        await page.WaitForURLAsync($"{app.TenantUrl(slug)}/dashboard?confirmed=1");
        await Assertions.Expect(page.Locator("#confirm-banner")).ToHaveCountAsync(0);
        await app.ScreenshotAsync(page, "dashboard");

        await page.GetByRole(AriaRole.Link, new() { Name = "Workspace settings" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Workspace settings" })).ToBeVisibleAsync();
        await app.ScreenshotAsync(page, "workspace-settings");
    }

    [Fact]
    public async Task Sign_out_and_in_again_with_two_factor_authentication()
    {
        var (page, slug, email) = await SignUpAsync("twofa");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard"));

        await page.GotoAsync($"{app.TenantUrl(slug)}/account/two-factor");
        var key = await page.GetByTestId("shared-key").InnerTextAsync();
        await page.GetByLabel("Code from your app").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes")).ToContainTextAsync("Two-factor authentication is on", new() { Timeout = 15_000 }); // a loaded machine can be slow here
        await app.ScreenshotAsync(page, "two-factor-recovery-codes");

        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/login"));

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/login-2fa"));
        await page.GetByLabel("Authentication code").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#twofactor-form")).ToContainTextAsync("That code isn't right");

        await page.GetByLabel("Authentication code").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await page.WaitForURLAsync($"{app.TenantUrl(slug)}/dashboard");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hello, Grace");

        // The Security page: where you're signed in, and turning two-factor off needs the password (after a confirm).
        page.Dialog += (_, d) => d.AcceptAsync();
        await page.GotoAsync($"{app.TenantUrl(slug)}/account/security");
        await Assertions.Expect(page.GetByTestId("sessions")).ToContainTextAsync("this browser");
        await app.ScreenshotAsync(page, "security");
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync(); // laid out for the phone from the start, as a phone would (no sidebar mid-slide)
        await app.ScreenshotAsync(page, "security-phone");
        await page.SetViewportSizeAsync(1280, 860);
        await page.GetByLabel("Current password").First.FillAsync("not my password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Enter your current password");
        await page.Locator("#tf-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off" }).ClickAsync();
        await Assertions.Expect(page.Locator("#two-factor")).ToContainTextAsync("Add a second step");

        // Signing out everywhere ends this browser's session too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/login"));
        await page.GotoAsync($"{app.TenantUrl(slug)}/dashboard");
        await page.WaitForURLAsync(new Regex("/account/login"));
    }

    [Fact]
    public async Task A_second_tenants_user_is_refused_on_the_first_tenants_host()
    {
        var (pageA, slugA, _) = await SignUpAsync("first");
        await pageA.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await pageA.WaitForURLAsync(new Regex("/dashboard"));

        var (pageB, slugB, emailB) = await SignUpAsync("second");
        await pageB.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await pageB.WaitForURLAsync(new Regex("/dashboard"));

        // B's browser has a session on B's host only: A's dashboard asks it to sign in.
        await pageB.GotoAsync($"{app.TenantUrl(slugA)}/dashboard");
        await pageB.WaitForURLAsync(new Regex($"{slugA}.localhost:{app.Port}/account/login"));

        // B's credentials are refused on A's host, in the same words as a wrong password.
        await pageB.GetByLabel("Email").FillAsync(emailB);
        await pageB.GetByLabel("Password").FillAsync(Password);
        await pageB.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(pageB.Locator("#login-form")).ToContainTextAsync("Wrong email or password");

        // B's session cookie carried over to A's host by hand is not accepted: A answers 404.
        var cookies = await pageB.Context.CookiesAsync([app.TenantUrl(slugB)]);
        var session = cookies.First(c => c.Name == "parley.session" && c.Domain == $"{slugB}.localhost");
        await pageB.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = session.Name, Value = session.Value, Domain = $"{slugA}.localhost", Path = "/" }]);
        var response = await pageB.GotoAsync($"{app.TenantUrl(slugA)}/dashboard");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(pageB.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Page not found");
    }
}
