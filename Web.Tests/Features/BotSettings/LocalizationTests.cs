using System.Text.RegularExpressions;
using Parley.Features.Localization;

namespace Parley.Tests.Features.BotSettings;

/// <summary>The Localization screen and the widget's language: the browser's pick, the default, the bot's own wording, added and right-to-left locales.</summary>
public abstract class LocalizationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static async Task<string> ShellAsync(WidgetClient widget, string? acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, widget.Base);
        if (acceptLanguage is not null) request.Headers.Add("Accept-Language", acceptLanguage);
        var response = await widget.Http.SendAsync(request);
        response.AssertStatus(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public void Every_shipped_translation_has_every_key()
    {
        foreach (var (locale, texts) in WidgetTexts.Shipped)
        {
            var missing = WidgetTexts.Keys.Select(k => k.Key).Where(k => !texts.ContainsKey(k) || texts[k].Length == 0).ToList();
            Assert.True(missing.Count == 0, $"{locale} lacks {string.Join(", ", missing)}");
            Assert.Empty(texts.Keys.Except(WidgetTexts.KeySet));
            Assert.Contains("{seconds}", texts["too_fast"]); // the widget puts the wait in
        }
        Assert.Equal(("es", "ar"), (LocalizationService.Pick(["en", "es", "ar"], "es-MX,es;q=0.9,en;q=0.5"), LocalizationService.Pick(["en", "es", "ar"], "fr-FR, ar-EG;q=0.8")));
        Assert.Null(LocalizationService.Pick(["en", "es", "ar"], "de-DE,fr;q=0.5"));
        Assert.Equal("pt-BR", LocalizationService.Pick(["en", "pt-BR"], "pt-PT"));
        Assert.True(WidgetTexts.IsRightToLeft("ar") && WidgetTexts.IsRightToLeft("he") && !WidgetTexts.IsRightToLeft("es"));
    }

    [Fact]
    public async Task The_widget_speaks_the_browsers_language_falls_back_to_the_default_and_uses_the_bots_wording()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var widget = new WidgetClient(app, bot);

        var spanish = await ShellAsync(widget, "es-ES,es;q=0.9");
        Assert.Contains("<html lang=\"es\"", spanish);
        Assert.Contains("Suele responder al instante", spanish);
        Assert.Contains("dir=\"ltr\"", spanish);
        var arabic = await ShellAsync(widget, "ar-SA,ar;q=0.9,en;q=0.5");
        Assert.Contains("<html lang=\"ar\"", arabic);
        Assert.Contains("dir=\"rtl\"", arabic);
        Assert.Contains("يردّ عادةً على الفور", arabic);
        Assert.Contains("<html lang=\"en\"", await ShellAsync(widget, "de-DE"));
        Assert.Contains("<html lang=\"en\"", await ShellAsync(widget, null));

        // Default Spanish, not following the browser: German and English visitors both get Spanish.
        var basePage = $"/bots/{bot}/settings/localization";
        (await ws.Tenant.PostFormAsync(basePage, $"{basePage}/en?handler=Options", Http.Form(("defaultLocale", "es")))).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("<html lang=\"es\"", await ShellAsync(widget, "de-DE"));
        Assert.Contains("<html lang=\"es\"", await ShellAsync(widget, "en-GB"));
        (await ws.Tenant.PostFormAsync(basePage, $"{basePage}/en?handler=Options", Http.Form(("defaultLocale", "es"), ("matchBrowser", "true")))).AssertStatus(HttpStatusCode.OK);
        Assert.Contains("<html lang=\"en\"", await ShellAsync(widget, "en-GB"));
        Assert.Contains("<html lang=\"es\"", await ShellAsync(widget, "de-DE"));

        // The bot's own Spanish wording, audited; only changed texts are stored; the home view uses it.
        var texts = await ws.Tenant.PostFormAsync($"{basePage}/es", $"{basePage}/es", Http.Form(("T[home_title]", "¡Bienvenido a Kettles!"), ("T[no_messages]", "Todavía no hay conversaciones.")));
        texts.AssertStatus(HttpStatusCode.OK);
        var row = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotLocales.IgnoreQueryFilters().SingleAsync(l => l.TenantId == ws.TenantId));
        Assert.Equal(["home_title"], row.Texts.Keys);
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.texts_changed")));
        await widget.StartAsync();
        using var home = new HttpRequestMessage(HttpMethod.Get, $"{widget.Base}?handler=Home");
        home.Headers.Add("X-Parley-Visitor", widget.Token);
        home.Headers.Add("Accept-Language", "es");
        Assert.Contains("¡Bienvenido a Kettles!", await (await widget.Http.SendAsync(home)).Content.ReadAsStringAsync());

        // An added right-to-left locale starts from English, is offered to Hebrew browsers, mirrored.
        var added = await ws.Tenant.PostFormAsync(basePage, $"{basePage}?handler=Add", Http.Form(("code", "he")));
        Assert.Equal(HttpStatusCode.NoContent, added.StatusCode);
        Assert.Equal($"/bots/{bot}/settings/localization/he", added.Headers.GetValues("HX-Redirect").Single());
        (await ws.Tenant.PostFormAsync($"{basePage}/he", $"{basePage}/he", Http.Form(("T[status_line]", "עונה מיד")))).AssertStatus(HttpStatusCode.OK);
        var hebrew = await ShellAsync(widget, "he-IL");
        Assert.Contains("<html lang=\"he\"", hebrew);
        Assert.Contains("dir=\"rtl\"", hebrew);
        Assert.Contains("עונה מיד", hebrew);
        Assert.Contains("Loading…", hebrew); // untranslated texts fall back to English
    }

    [Fact]
    public async Task Welcome_disclaimer_and_starters_follow_the_visitors_language_and_previews_wear_the_saved_appearance()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var appearance = $"/bots/{bot}/settings/appearance";
        (await ws.Tenant.PostFormAsync(appearance, appearance, Http.Form(("Input.DisplayName", "Kettle Kate"), ("Input.WelcomeMessage", "Welcome to Kettle Co!"),
            ("Input.Placeholder", "Ask a question…"), ("Input.BrandColor", "#0f766e"), ("Input.BrandTextColor", "#ffffff"), ("Input.LinkColor", "#0f766e"),
            ("Input.FontSize", "16"), ("Input.ChatHeight", "70"), ("Input.IconSize", "Medium"), ("Input.Position", "Right"), ("Input.BottomDistance", "20"),
            ("Input.SideDistance", "20"), ("Input.DarkMode", "true")))).AssertStatus(HttpStatusCode.OK);
        var behavior = $"/bots/{bot}/settings/behavior";
        (await ws.Tenant.PostFormAsync(behavior, behavior, Http.Form(("Input.Disclaimer", "Answers may be wrong."), ("Input.TermsText", "I agree."),
            ("Input.AutoOpenDesktopDelay", "0"), ("Input.AutoOpenMobileDelay", "0"), ("Input.FollowUpCount", "3")))).AssertStatus(HttpStatusCode.OK);

        // The previews on Behavior and Localization show the customer's widget: its name, colour, font size and dark mode.
        foreach (var page in new[] { behavior, $"/bots/{bot}/settings/localization/es" })
        {
            var html = await (await ws.Tenant.GetAsync(page)).TextAsync();
            var preview = Regex.Match(html, @"<div id=""preview"".*?</aside>", RegexOptions.Singleline).Value;
            Assert.Contains("style=\"font-size:16px\"", preview);
            Assert.Contains("bg-slate-900", preview);
            Assert.Matches(@"(?s)style=""background:#0f766e;color:#ffffff"" data-testid=""preview-header"">.*?Kettle Kate", preview);
            Assert.DoesNotContain("bg-brand-600", preview);
        }
        var spanishPage = await (await ws.Tenant.GetAsync($"/bots/{bot}/settings/localization/es")).TextAsync();
        Assert.Contains("placeholder=\"Welcome to Kettle Co!\"", spanishPage); // an empty box falls back to the main welcome
        Assert.Contains("Welcome to Kettle Co!", Regex.Match(spanishPage, @"data-testid=""preview-welcome""[^>]*>[^<]*<", RegexOptions.Singleline).Value);

        // Spanish visitors get a Spanish welcome, disclaimer and starter; English ones keep the bot's own and never see the Spanish starter.
        var basePage = $"/bots/{bot}/settings/localization";
        (await ws.Tenant.PostFormAsync($"{basePage}/es", $"{basePage}/es", Http.Form(("T[welcome_message]", "¡Bienvenido a Kettle Co!"), ("T[disclaimer]", "Las respuestas pueden fallar."))))
            .AssertStatus(HttpStatusCode.OK);
        var localized = await (await ws.Tenant.GetAsync($"{basePage}/es")).TextAsync();
        Assert.Contains("¡Bienvenido a Kettle Co!", Regex.Match(localized, @"data-testid=""preview-welcome""[^>]*>[^<]*<", RegexOptions.Singleline).Value);
        var starters = $"/bots/{bot}/settings/starters";
        (await ws.Tenant.PostFormAsync(starters, $"{starters}?handler=Add", Http.Form(("kind", "Button"), ("title", "Warranty"), ("message", "How long is the warranty?"), ("locale", "en")))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.PostFormAsync(starters, $"{starters}?handler=Add", Http.Form(("kind", "Button"), ("title", "Garantía"), ("message", "¿Cuánto dura la garantía?"), ("locale", "es")))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.PostFormAsync(starters, $"{starters}?handler=Add", Http.Form(("kind", "Link"), ("title", "Manuals"), ("url", "https://kettle.example/manuals")))).AssertStatus(HttpStatusCode.OK);
        var refused = await ws.Tenant.PostFormAsync(starters, $"{starters}?handler=Add", Http.Form(("kind", "Button"), ("title", "Klingon"), ("message", "Qapla'"), ("locale", "tlh")));
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Pick one of the bot's languages", await refused.TextAsync());
        var list = await (await ws.Tenant.GetAsync(starters)).TextAsync();
        Assert.Equal(["English", "Spanish", "Every language"], Regex.Matches(list, @"data-testid=""starter-language"">([^<]+)<").Select(m => m.Groups[1].Value));

        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        async Task<string> HomeAsync(string language)
        {
            using var home = new HttpRequestMessage(HttpMethod.Get, $"{widget.Base}?handler=Home");
            home.Headers.Add("X-Parley-Visitor", widget.Token);
            home.Headers.Add("Accept-Language", language);
            return await (await widget.Http.SendAsync(home)).Content.ReadAsStringAsync();
        }
        var es = await HomeAsync("es-ES");
        Assert.Contains("¡Bienvenido a Kettle Co!", es);
        Assert.Contains("Las respuestas pueden fallar.", es);
        Assert.Contains("Garantía", es);
        Assert.Contains("Manuals", es);
        Assert.DoesNotContain(">Warranty<", es);
        Assert.DoesNotContain("Welcome to Kettle Co!", es);
        var en = await HomeAsync("en-GB");
        Assert.Contains("Welcome to Kettle Co!", en);
        Assert.Contains("Answers may be wrong.", en);
        Assert.Contains("Warranty", en);
        Assert.Contains("Manuals", en);
        Assert.DoesNotContain("Garantía", en);
        Assert.DoesNotContain("Bienvenido", en);
    }

    [Fact]
    public async Task Bad_values_get_messages_and_agents_and_other_workspaces_are_refused()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var basePage = $"/bots/{bot}/settings/localization";
        Assert.Contains("home_title", await (await a.Tenant.GetAsync(basePage)).TextAsync());
        var tooLong = await a.Tenant.PostFormAsync(basePage, $"{basePage}/en", Http.Form(("T[home_title]", new string('x', 501))));
        tooLong.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Texts are up to 500 characters.", await tooLong.TextAsync());
        var badCode = await a.Tenant.PostFormAsync(basePage, $"{basePage}?handler=Add", Http.Form(("code", "xx-notreal")));
        badCode.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Enter a language code such as", await badCode.TextAsync());
        var twice = await a.Tenant.PostFormAsync(basePage, $"{basePage}?handler=Add", Http.Form(("code", "es")));
        twice.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is already offered", await twice.TextAsync());
        var badDefault = await a.Tenant.PostFormAsync(basePage, $"{basePage}/en?handler=Options", Http.Form(("defaultLocale", "fr")));
        badDefault.AssertStatus(HttpStatusCode.UnprocessableEntity);
        (await a.Tenant.GetAsync($"{basePage}/fr")).AssertStatus(HttpStatusCode.NotFound); // not offered

        (await b.Tenant.GetAsync(basePage)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", $"{basePage}/en", Http.Form(("T[home_title]", "Hacked")))).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", $"{basePage}?handler=Add", Http.Form(("code", "fr")))).AssertStatus(HttpStatusCode.NotFound);
        var agent = await app.AgentOnBotAsync(a, bot);
        Assert.Contains("/account/access-denied", (await agent.GetAsync(basePage)).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync("/bots", $"{basePage}/en", Http.Form(("T[home_title]", "Hacked")))).RedirectTarget() ?? "");
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotLocales.IgnoreQueryFilters().Where(l => l.TenantId == a.TenantId).ToListAsync()));
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotLocalizations.IgnoreQueryFilters().Where(l => l.TenantId == a.TenantId).ToListAsync()));
    }
}

public sealed class LocalizationTests_Sqlite(SqliteApp app) : LocalizationTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class LocalizationTests_Postgres(PostgresApp app) : LocalizationTests<PostgresApp>(app);
