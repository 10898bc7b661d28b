using System.Text.RegularExpressions;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;

namespace Parley.E2E.Infrastructure;

/// <summary>
/// Parley on a real Kestrel port with its own SQLite database, and Debian's Chromium driven by Playwright.
/// Chromium resolves *.localhost to loopback, so tenant subdomains work with no DNS.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    private SqliteApp factory = null!;
    private IPlaywright? playwright;

    /// <summary>A customer's website on loopback, which the app is allowed to crawl.</summary>
    public LoopbackSite Site { get; } = new();

    public int Port { get; } = FreePort();
    public IBrowser Browser { get; private set; } = null!;
    public Mailbox Mail => factory.Mail;
    public string RootUrl => $"http://localhost:{Port}";
    public string TenantUrl(string slug) => $"http://{slug}.localhost:{Port}";

    public static string ArtifactsDir
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "TestResults", "screenshots");
            Directory.CreateDirectory(dir);
            return Path.GetFullPath(dir);
        }
    }

    public async Task InitializeAsync()
    {
        await Site.InitializeAsync();
        factory = new SqliteApp
        {
            Settings = new()
            {
                ["Parley:PublicBaseUrl"] = RootUrl,
                ["Parley:Outbound:AllowLoopback"] = "true",
                ["Parley:Outbound:ExtraPorts:0"] = Site.Port.ToString(),
                ["Parley:Crawl:DelayMilliseconds"] = "0",
                ["Parley:Chat:ExtractiveWordDelayMs"] = "80", // slow enough for the browser to watch an answer grow
            },
        };
        Directory.CreateDirectory(factory.Root);
        factory.UseKestrel(Port);
        factory.StartServer();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PARLEY_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async Task<IPage> NewPageAsync(IBrowserContext? context = null)
    {
        context ??= await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        // Every page (and the widget frames in it) runs under a strict Content-Security-Policy; anything it blocks is a bug.
        var blocked = violations.GetOrCreateValue(page);
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy")) lock (blocked) blocked.Add(m.Text); };
        return page;
    }

    /// <summary>Raises a workspace's seat limit, as an upgrade would (the billing flow test buys its plan through the pages).</summary>
    public Task SetSeatsAsync(string slug, int seats) => UpdateSubscriptionAsync(slug, u => u.SetProperty(s => s.Limits.Seats, seats));

    /// <summary>A bulk write to a workspace's current subscription, as Stripe's events or time would make it.</summary>
    public async Task UpdateSubscriptionAsync(string slug, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Parley.Features.Plans.Subscription>> set)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Parley.Infrastructure.Data.AppDbContext>();
        var tenantId = await db.Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync();
        await db.Subscriptions.IgnoreQueryFilters().Where(s => s.TenantId == tenantId && s.Status != Parley.Features.Plans.SubscriptionStatus.Canceled).ExecuteUpdateAsync(set);
        await db.TouchTenantAsync(tenantId); // like every bulk write to a workspace's cached state
    }

    /// <summary>A domain the workspace has verified (the DNS/meta check itself is covered by the domain tests).</summary>
    public async Task AddVerifiedDomainAsync(string slug, string host)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Parley.Infrastructure.Data.AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Slug == slug);
        using var _ = scope.ServiceProvider.GetRequiredService<Parley.Infrastructure.Tenancy.ITenantContext>().Use(tenant);
        db.Domains.Add(new Parley.Features.Domains.Domain { Host = host, VerificationToken = Parley.Features.Domains.Domain.NewToken(), Status = Parley.Features.Domains.DomainStatus.Verified, CreatedAt = DateTimeOffset.UtcNow, VerifiedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    /// <summary>Verifies the host for the workspace, lets the bot run there on its Embed page, and returns the script tag to paste.</summary>
    public async Task<string> EmbedOnAsync(IPage page, string slug, string bot, string host)
    {
        await AddVerifiedDomainAsync(slug, host);
        await page.GotoAsync($"{TenantUrl(slug)}/bots/{bot}/embed");
        await page.GetByLabel(host).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save domains" }).ClickAsync();
        await Assertions.Expect(page.Locator("#embed-domains")).ToContainTextAsync($"now runs on {host}");
        return await page.GetByTestId("script-tag").InnerTextAsync();
    }

    /// <summary>Signs up through the pages and creates a bot; returns the dashboard page, the workspace slug and the bot id.</summary>
    public async Task<(IPage Page, string Slug, string Bot)> WorkspaceWithBotAsync(string prefix)
    {
        var slug = $"{prefix}-{Guid.NewGuid().ToString("n")[..8]}";
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await NewPageAsync(context);
        await page.GotoAsync($"{RootUrl}/signup");
        await page.GetByLabel("Your name").FillAsync("Wanda Widget");
        await page.GetByLabel("Work email").FillAsync($"{slug}@example.test");
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByLabel("Workspace name").FillAsync("Kettle Co");
        await page.GetByLabel("Subdomain").FillAsync(slug);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Chatbots", Exact = true }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Kettle helper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create chatbot" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/bots/bot_[0-9a-f]+"));
        return (page, slug, Regex.Match(page.Url, "bot_[0-9a-f]+").Value);
    }

    /// <summary>
    /// Runs axe-core (npm, installed by the test command; PARLEY_AXE names its axe.min.js) on the page as it is, for
    /// WCAG 2.2 A/AA rules, and returns the serious and critical violations, one line each with where they are.
    /// </summary>
    public async Task<List<string>> AxeAsync(IPage page)
    {
        var path = Environment.GetEnvironmentVariable("PARLEY_AXE") ?? Path.Combine(RepoRoot, ".tools", "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(path), $"axe-core is not installed at {path} (the test command installs it).");
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync("(() => {\n" + await File.ReadAllTextAsync(path) + "\n;return true; })()"); // through the DevTools protocol: the page's CSP does not apply
        var found = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            "async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })).violations" +
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
            ".map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | '))");
        return found.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "App.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("App.sln not found above the test binaries.");
        }
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> violations = new();

    /// <summary>Saves a screenshot, and fails when the page's Content-Security-Policy blocked anything so far.</summary>
    public async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDir, name + ".png"), FullPage = true });
        if (violations.TryGetValue(page, out var blocked))
            lock (blocked) Assert.True(blocked.Count == 0, $"{name}: the Content-Security-Policy blocked:\n{string.Join("\n", blocked)}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await factory.DisposeAsync();
        await Site.DisposeAsync();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
