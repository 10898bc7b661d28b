using Parley.Features.Audit;
using Parley.Features.BotSettings;

namespace Parley.Tests.Features.BotSettings;

/// <summary>The Appearance screen: saving, validation, plan gating, who may edit, and the widget showing the result.</summary>
public abstract class AppearanceTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static Dictionary<string, string> Form(params (string Key, string Value)[] overrides)
    {
        var form = new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Kettle Kate", ["Input.Tooltip"] = "Need help?", ["Input.WelcomeMessage"] = "Welcome to Kettle Co!",
            ["Input.Placeholder"] = "Type your kettle question", ["Input.BrandColor"] = "#0F766E", ["Input.BrandTextColor"] = "#ffffff",
            ["Input.LinkColor"] = "#0f766e", ["Input.FontSize"] = "15", ["Input.ChatHeight"] = "70", ["Input.IconSize"] = "Large",
            ["Input.Position"] = "Left", ["Input.BottomDistance"] = "32", ["Input.SideDistance"] = "24", ["Input.DarkMode"] = "true", ["Input.RightToLeft"] = "true",
        };
        foreach (var (k, v) in overrides) form[k] = v;
        return form;
    }

    [Fact]
    public async Task Saved_appearance_is_audited_and_shows_in_the_widget()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/settings/appearance";
        Assert.Contains("#4f46e5", await (await ws.Tenant.GetAsync(page)).TextAsync()); // defaults before anything is saved
        var saved = await ws.Tenant.PostFormAsync(page, page, Form());
        saved.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Saved.", await saved.TextAsync());

        var row = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotAppearances.IgnoreQueryFilters().SingleAsync(a => a.TenantId == ws.TenantId));
        Assert.Equal(("#0f766e", IconPosition.Left, IconSize.Large, true), (row.BrandColor, row.Position, row.IconSize, row.RightToLeft));
        var audit = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().SingleAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.appearance_changed"));
        Assert.Contains("BrandColor", audit.NewValues);
        Assert.DoesNotContain("TenantId", audit.NewValues);

        var widget = new WidgetClient(app, bot);
        var config = await (await widget.Http.GetAsync($"{widget.Base}?handler=Config")).Content.ReadAsStringAsync();
        Assert.Contains("\"color\":\"#0f766e\"", config);
        Assert.Contains("\"position\":\"left\"", config);
        Assert.Contains("\"iconSize\":\"large\"", config);
        var shell = await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync();
        Assert.Contains("dir=\"rtl\"", shell);
        Assert.Contains("class=\"h-full dark\"", shell);
        Assert.Contains("--color-brand-600:#0f766e", shell);
        Assert.Contains("Kettle Kate", shell);
        Assert.Contains("data-testid=\"branding\"", shell); // Free plan: branding stays
        await widget.StartAsync();
        var home = await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync();
        Assert.Contains("Welcome to Kettle Co!", home);
        Assert.Contains("placeholder=\"Type your kettle question\"", home);
    }

    [Fact]
    public async Task Bad_values_get_field_messages_and_branding_removal_is_locked_below_premium()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/settings/appearance";
        var bad = await ws.Tenant.PostFormAsync(page, page, Form(("Input.BrandColor", "teal"), ("Input.FontSize", "40"), ("Input.BottomDistance", "-5")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var text = await bad.TextAsync();
        Assert.Contains("Use a colour like #4f46e5.", text);
        Assert.Contains("Font size is between 12 and 20 px.", text);
        Assert.Contains("Distances are between 0 and 200 px.", text);
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotAppearances.IgnoreQueryFilters().Where(a => a.TenantId == ws.TenantId).ToListAsync()));

        Assert.Contains("Premium plan", await (await ws.Tenant.GetAsync(page)).TextAsync()); // shown locked
        var locked = await ws.Tenant.PostFormAsync(page, page, Form(("Input.HideBranding", "true")));
        locked.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Hiding Parley's branding comes with the Premium plan.", await locked.TextAsync());

        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.Limits.RemoveBranding, true));
        (await ws.Tenant.PostFormAsync(page, page, Form(("Input.HideBranding", "true")))).AssertStatus(HttpStatusCode.OK);
        var widget = new WidgetClient(app, bot);
        Assert.DoesNotContain("data-testid=\"branding\"", await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Agents_and_other_workspaces_cannot_open_or_change_it()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/settings/appearance";
        (await b.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", page, Form())).AssertStatus(HttpStatusCode.NotFound);

        var agent = await app.AgentOnBotAsync(a, bot);
        Assert.Contains("/account/access-denied", (await agent.GetAsync(page)).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync("/bots", page, Form())).RedirectTarget() ?? "");
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotAppearances.IgnoreQueryFilters().Where(x => x.TenantId == a.TenantId).ToListAsync()));
    }
}

public sealed class AppearanceTests_Sqlite(SqliteApp app) : AppearanceTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class AppearanceTests_Postgres(PostgresApp app) : AppearanceTests<PostgresApp>(app);
