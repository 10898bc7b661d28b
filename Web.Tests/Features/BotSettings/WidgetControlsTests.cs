using Parley.Features.BotSettings;
using Parley.Infrastructure.Storage;

namespace Parley.Tests.Features.BotSettings;

/// <summary>Behavior's widget controls (refresh, expand, bottom navigation, home page), icons and the watermark, each seen in the widget.</summary>
public abstract class WidgetControlsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static Dictionary<string, string> Behavior(params (string Key, string Value)[] overrides)
    {
        var form = new Dictionary<string, string> { ["Input.TermsText"] = "I agree.", ["Input.AutoOpenDesktopDelay"] = "5", ["Input.AutoOpenMobileDelay"] = "10", ["Input.FollowUpCount"] = "3" };
        foreach (var (k, v) in overrides) form[k] = v;
        return form;
    }

    /// <summary>A PNG header (signature and IHDR) of the given size, padded: enough for the checks, which read only the header.</summary>
    private static byte[] Png(int width, int height, int bytes = 200)
    {
        var data = new byte[bytes];
        byte[] head = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        head.CopyTo(data, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(20), height);
        return data;
    }

    [Fact]
    public async Task Controls_hide_what_they_say_and_the_home_page_can_be_skipped()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/settings/behavior";
        var widget = new WidgetClient(app, bot);
        var shell = await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync();
        Assert.Contains("id=\"refresh-button\"", shell);
        Assert.Contains("id=\"expand-button\"", shell);
        await widget.StartAsync();
        var home = await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"widget-home\"", home);
        Assert.Contains("data-testid=\"bottom-nav\"", home);
        var (html, _) = await widget.AskAsync("Hello?");
        var conversation = WidgetClient.ConversationOf(html);
        var messages = await (await widget.GetAsync("?handler=Messages")).Content.ReadAsStringAsync();
        Assert.Contains("Hello?", messages);
        var stranger = new WidgetClient(app, bot);
        await stranger.StartAsync();
        Assert.Contains("data-testid=\"no-messages\"", await (await stranger.GetAsync("?handler=Messages")).Content.ReadAsStringAsync()); // only their own

        (await ws.Tenant.PostFormAsync(page, page, Behavior(("Input.HideRefresh", "true"), ("Input.HideExpand", "true"), ("Input.HideBottomNav", "true")))).AssertStatus(HttpStatusCode.OK);
        shell = await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("id=\"refresh-button\"", shell);
        Assert.DoesNotContain("id=\"expand-button\"", shell);
        Assert.DoesNotContain("data-testid=\"bottom-nav\"", await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync());

        // A new conversation straight away for someone without one; the home page still for someone with one.
        (await ws.Tenant.PostFormAsync(page, page, Behavior(("Input.OpenNewConversation", "true")))).AssertStatus(HttpStatusCode.OK);
        var fresh = new WidgetClient(app, bot);
        await fresh.StartAsync();
        Assert.Contains("data-testid=\"widget-start\"", await (await fresh.GetAsync("?handler=Home")).Content.ReadAsStringAsync());
        Assert.Contains("data-testid=\"widget-home\"", await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync());

        // No home page: the latest conversation, or a new one; no way back to a home view.
        (await ws.Tenant.PostFormAsync(page, page, Behavior(("Input.HideHomePage", "true")))).AssertStatus(HttpStatusCode.OK);
        var opened = await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync();
        Assert.Contains($"data-conversation=\"{conversation}\"", opened);
        Assert.Contains("handler=Start", opened); // "New conversation" opens a new one, not the home view
        var newcomer = new WidgetClient(app, bot);
        await newcomer.StartAsync();
        var start = await (await newcomer.GetAsync("?handler=Home")).Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"widget-start\"", start);
        Assert.DoesNotContain("data-testid=\"bottom-nav\"", start);
        Assert.Contains("data-no-home=\"1\"", await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Icons_are_checked_stored_served_and_removed_and_the_watermark_needs_a_paid_plan()
    {
        var ws = await app.SignUpAsync();
        var other = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/settings/appearance";
        var svg = await ws.Tenant.UploadAsync(page, $"{page}?handler=Icon&kind=Bot", "logo.png", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray());
        svg.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Use a PNG, JPEG, GIF or WebP picture.", await svg.TextAsync());
        var huge = await ws.Tenant.UploadAsync(page, $"{page}?handler=Icon&kind=Bot", "big.png", Png(2000, 2000));
        huge.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("up to 1024×1024 pixels; this one is 2000×2000", await huge.TextAsync());
        var heavy = await ws.Tenant.UploadAsync(page, $"{page}?handler=Icon&kind=Bot", "heavy.png", Png(64, 64, 300 * 1024));
        heavy.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("up to 256 KB", await heavy.TextAsync());

        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Icon&kind=Bot", "bot.png", Png(64, 64))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Icon&kind=Bubble", "bubble.png", Png(96, 96))).AssertStatus(HttpStatusCode.OK);
        var look = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotAppearances.IgnoreQueryFilters().SingleAsync(a => a.TenantId == ws.TenantId));
        Assert.StartsWith($"tenants/{ws.TenantId:N}/bots/", look.BotIcon);
        Assert.EndsWith(".png", look.BotIcon);
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.icon_changed")));

        var widget = new WidgetClient(app, bot);
        var shell = await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync();
        var src = System.Text.RegularExpressions.Regex.Match(shell, "src=\"([^\"]*handler=Icon[^\"]*)\"").Groups[1].Value;
        Assert.Contains("kind=Bot", src);
        var icon = await widget.Http.GetAsync(System.Net.WebUtility.HtmlDecode(src));
        icon.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("image/png", icon.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", icon.Headers.CacheControl?.ToString());
        Assert.Equal(Png(64, 64), await icon.Content.ReadAsByteArrayAsync());
        Assert.Contains("\"icon\":\"http", await (await widget.Http.GetAsync($"{widget.Base}?handler=Config")).Content.ReadAsStringAsync());

        // Replacing an icon deletes the old picture; removing deletes it too.
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var first = look.BotIcon!;
        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Icon&kind=Bot", "bot2.png", Png(32, 32))).AssertStatus(HttpStatusCode.OK);
        Assert.False(await blobs.ExistsAsync(first, default));
        var second = (await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotAppearances.IgnoreQueryFilters().SingleAsync(a => a.TenantId == ws.TenantId))).BotIcon!;
        Assert.True(await blobs.ExistsAsync(second, default));
        (await ws.Tenant.PostFormAsync(page, $"{page}?handler=RemoveIcon&kind=Bot", [])).AssertStatus(HttpStatusCode.OK);
        Assert.False(await blobs.ExistsAsync(second, default));
        Assert.DoesNotContain("data-testid=\"bot-icon\"", await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync());
        (await widget.Http.GetAsync($"{widget.Base}?handler=Icon&kind=Bot")).AssertStatus(HttpStatusCode.NotFound);

        // Other workspaces and agents cannot change icons.
        (await other.Tenant.UploadAsync("/bots", $"{page}?handler=Icon&kind=Bot", "x.png", Png(8, 8))).AssertStatus(HttpStatusCode.NotFound);
        var agent = await app.AgentOnBotAsync(ws, bot);
        Assert.Contains("/account/access-denied", (await agent.UploadAsync("/bots", $"{page}?handler=Icon&kind=Bot", "x.png", Png(8, 8))).RedirectTarget() ?? "");

        // The watermark: locked on Free, shown once the plan includes it.
        var form = new Dictionary<string, string>
        {
            ["Input.BrandColor"] = "#4f46e5", ["Input.BrandTextColor"] = "#ffffff", ["Input.LinkColor"] = "#4f46e5", ["Input.FontSize"] = "14", ["Input.ChatHeight"] = "80",
            ["Input.IconSize"] = "Medium", ["Input.Position"] = "Right", ["Input.BottomDistance"] = "20", ["Input.SideDistance"] = "20",
            ["Input.WatermarkText"] = "Support by Kettle Co", ["Input.WatermarkUrl"] = "https://kettle.example/help", ["Input.IconColor"] = "#16A34A",
        };
        var locked = await ws.Tenant.PostFormAsync(page, page, form);
        locked.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Your own watermark comes with the Silver plan and above.", await locked.TextAsync());
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.Limits.CustomWatermark, true));
        (await ws.Tenant.PostFormAsync(page, page, form)).AssertStatus(HttpStatusCode.OK);
        shell = await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"watermark\"", shell);
        Assert.Contains("href=\"https://kettle.example/help\"", shell);
        Assert.Contains("data-testid=\"branding\"", shell); // beside Parley's, which only Premium may hide
        Assert.Contains("\"color\":\"#16a34a\"", await (await widget.Http.GetAsync($"{widget.Base}?handler=Config")).Content.ReadAsStringAsync()); // the launcher's own colour
        form["Input.IconColor"] = ""; // empty: the launcher follows the brand colour
        (await ws.Tenant.PostFormAsync(page, page, form)).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("\"color\":\"#4f46e5\"", await (await widget.Http.GetAsync($"{widget.Base}?handler=Config")).Content.ReadAsStringAsync());
        form["Input.IconColor"] = "green";
        var badColour = await ws.Tenant.PostFormAsync(page, page, form);
        badColour.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Use a colour like #4f46e5.", await badColour.TextAsync());
    }
}

public sealed class WidgetControlsTests_Sqlite(SqliteApp app) : WidgetControlsTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class WidgetControlsTests_Postgres(PostgresApp app) : WidgetControlsTests<PostgresApp>(app);
