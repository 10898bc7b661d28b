using System.Text.RegularExpressions;
using Parley.Features.Chat;

namespace Parley.Tests.Features.Security;

/// <summary>Issue 11's findings against the running app: bad input answered with 4xx, retries, tickets, hand-over, headers.</summary>
public abstract class HardeningTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private Task<(SignedUp Ws, string Bot)> BotAsync() =>
        app.WorkspaceWithTrainedBotAsync("Kettles", "Warranty", "# Warranty\nEvery kettle is covered for two years.");

    [Fact]
    public async Task Bad_values_get_a_clear_answer_never_a_500()
    {
        var (ws, bot) = await BotAsync();
        (await ws.Tenant.GetAsync($"/bots/{bot}/conversations?to=9999-12-31")).AssertStatus(HttpStatusCode.OK);
        var domain = await ws.Tenant.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", "kettles.example")));
        var domainId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Domains.IgnoreQueryFilters().Where(d => d.TenantId == ws.TenantId).Select(d => d.Id).SingleAsync());
        (await ws.Tenant.GetAsync($"/domains/{domainId}/bots/{bot}/conversations?to=9999-12-31&from=0001-01-01")).AssertStatus(HttpStatusCode.OK);

        var personas = $"/bots/{bot}/settings/personas";
        var nan = await ws.Tenant.PostFormAsync(personas, $"{personas}?handler=Save", Http.Form(("title", "Odd"), ("instructions", "Be odd."), ("creativity", "NaN")));
        nan.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Creativity is between 0", await nan.TextAsync());

        (await ws.Tenant.GetAsync("/team?handler=Nope")).AssertStatus(HttpStatusCode.OK); // a page with a plain handler shows itself
        (await ws.Tenant.PostFormAsync("/team", "/team?handler=Nope", [])).AssertStatus(HttpStatusCode.NotFound);
        (await app.Client().PostAsync($"/widget/{bot}?handler=Nope", new FormUrlEncodedContent([]))).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_answer_quoting_a_huge_bracketed_number_is_streamed_and_stored()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Orders", "Order numbers", "# Order numbers\nOrder numbers look like [99999999999] and are printed on the receipt.");
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (_, answer) = await widget.AskAsync("What do order numbers look like?");
        Assert.Contains("99999999999", answer.Done);
        Assert.Equal(2, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters().CountAsync(m => m.TenantId == ws.TenantId)));
        // The widget page tells its script the full origins a parent page may have (scheme, host and port), not host names.
        var page = await (await app.Client().GetAsync($"/widget/{bot}")).BodyAsync();
        Assert.Contains("data-parent-origins=\"http://localhost:*\"", page);
    }

    [Fact]
    public async Task A_lead_whose_name_has_a_line_break_is_stored_and_mailed()
    {
        var (ws, bot) = await BotAsync();
        var page = $"/bots/{bot}/settings/leads";
        var notify = $"sales-{Guid.NewGuid():N}@kettles.example";
        (await ws.Tenant.PostFormAsync(page, page, Http.Form(("Input.Enabled", "true"), ("Input.CollectName", "true"), ("Input.Industry", "custom"),
            ("Input.Trigger", "AfterMessages"), ("Input.AfterMessages", "1"), ("Input.Notify", "true"), ("Input.NotifyEmails", notify)))).AssertStatus(HttpStatusCode.OK);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (html, answer) = await widget.AskAsync("How long is the warranty?");
        Assert.Contains("data-testid=\"lead-form\"", answer.Done);
        var conversation = WidgetClient.ConversationOf(html);
        var sent = await widget.PostAsync($"?handler=Lead&conversationId={conversation}", new() { ["name"] = "Kim\r\nBcc: victim@example.test", ["email"] = "kim@example.test" });
        sent.AssertStatus(HttpStatusCode.OK);
        var visitor = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Visitors.IgnoreQueryFilters().SingleAsync(v => v.TenantId == ws.TenantId && v.LeadAt != null));
        Assert.Equal("Kim  Bcc: victim@example.test", visitor.Name);
        var mail = await app.Mail.WaitForAsync(notify, "New lead");
        Assert.DoesNotContain("\r\nBcc", mail.Subject);
        Assert.Equal(0, await app.Mail.CountAsync("victim@example.test"));
    }

    [Fact]
    public async Task Retry_works_only_for_a_question_still_owed_an_answer_and_counts_against_the_rate_limit()
    {
        var (ws, bot) = await BotAsync();
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.VisitorMessagesPerMinute, 3);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (html, _) = await widget.AskAsync("How long is the warranty?");
        var question = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters()
            .Where(m => m.TenantId == ws.TenantId && m.Role == MessageRole.User).Select(m => m.PublicId).SingleAsync());
        var answered = await widget.PostAsync($"?handler=Retry&questionId={question}", []);
        answered.AssertStatus(HttpStatusCode.Conflict);
        Assert.Contains("has its answer already", await answered.TextAsync());
        // Another visitor cannot retry (or even learn about) this visitor's question.
        var stranger = new WidgetClient(app, bot);
        await stranger.StartAsync();
        (await stranger.PostAsync($"?handler=Retry&questionId={question}", [])).AssertStatus(HttpStatusCode.NotFound);
        // Retries are messages for the rate limit: a visitor cannot hammer it.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) statuses.Add((await widget.PostAsync($"?handler=Retry&questionId={question}", [])).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var usage = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().UsagePeriods.IgnoreQueryFilters().Where(u => u.TenantId == ws.TenantId).SumAsync(u => u.Messages));
        Assert.Equal(1, usage); // nothing answered twice, nothing billed twice
    }

    [Fact]
    public async Task A_playground_ticket_does_not_open_the_widget_stream_and_a_wrong_bot_does_not_use_it_up()
    {
        var (ws, bot) = await BotAsync();
        var sent = await ws.Tenant.PostFormAsync($"/bots/{bot}/playground", $"/bots/{bot}/playground?handler=Send", Http.Form(("text", "How long is the warranty?")));
        var stream = WidgetClient.StreamOf(await sent.BodyAsync())!;
        var ticket = Regex.Match(stream, "ticket=([^&]+)").Groups[1].Value;
        await app.SetBotLimitAsync(ws.TenantId, 2);
        var other = await ws.Tenant.CreateBotAsync("Other");
        (await app.Client().GetAsync($"/widget/{bot}?handler=Stream&ticket={ticket}")).AssertStatus(HttpStatusCode.NotFound);
        (await ws.Tenant.GetAsync($"/bots/{other}/playground?handler=Stream&ticket={ticket}")).AssertStatus(HttpStatusCode.NotFound);
        // Neither attempt used it: the playground it was made for still streams the answer.
        var answer = await new WidgetClient(app, bot).StreamFromAsync(ws.Tenant, stream);
        Assert.Contains("two years", answer.Done);
    }

    [Fact]
    public async Task A_hand_over_ticket_works_only_in_the_browser_that_asked_for_it()
    {
        var ws = await app.SignUpAsync();
        var root = app.Client();
        root.DefaultRequestHeaders.UserAgent.ParseAdd("Firefox/140.0");
        await root.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        var target = (await root.GetAsync("/account/workspaces")).Headers.Location!;
        var elsewhere = app.Client($"{ws.Slug}.localhost");
        elsewhere.DefaultRequestHeaders.UserAgent.ParseAdd("curl/8.0");
        Assert.Contains("This sign-in link has expired", await (await elsewhere.GetAsync(target.PathAndQuery)).TextAsync());
        var same = app.Client($"{ws.Slug}.localhost");
        same.DefaultRequestHeaders.UserAgent.ParseAdd("Firefox/140.0");
        Assert.Equal("/dashboard", (await same.GetAsync(target.PathAndQuery)).Headers.Location?.ToString());
    }

    [Fact]
    public async Task Every_kind_of_page_carries_the_security_headers()
    {
        var (ws, bot) = await BotAsync();
        foreach (var (client, path) in new[] { (ws.Tenant, "/dashboard"), (ws.Tenant, $"/bots/{bot}/settings/appearance"), (app.Client(), "/"), (app.Client(), "/signup"), (app.Client(), $"/widget/{bot}") })
        {
            var r = await client.GetAsync(path);
            r.AssertStatus(HttpStatusCode.OK);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("strict-origin-when-cross-origin", r.Headers.GetValues("Referrer-Policy").Single());
            var csp = r.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline'; connect", csp.Replace("style-src 'self' 'unsafe-inline'", ""));
            Assert.DoesNotMatch(@"script-src[^;]*unsafe", csp);
            Assert.Contains("frame-ancestors", csp);
            if (!path.StartsWith("/widget")) Assert.Contains("frame-ancestors 'self'", csp);
            // No inline script or handler that such a policy would block.
            var html = await r.Content.ReadAsStringAsync();
            Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
            Assert.DoesNotMatch(@"\son(click|submit|input|change|keydown|load)=", html);
            Assert.DoesNotContain("hx-on", html);
        }
    }

    [Fact]
    public async Task Too_many_sign_in_attempts_or_mail_requests_get_429_and_one_mail_per_address()
    {
        await using var strict = app.Twin();
        strict.Settings["Parley:Throttling:SignInPerMinute"] = "3";
        strict.Settings["Parley:Throttling:MailFormsPerMinute"] = "20";
        strict.Settings["Parley:Throttling:VisitorSessionsPerMinute"] = "2";
        strict.Settings["Parley:Throttling:MailPerAddressMinutes"] = "5";
        await strict.InitializeAsync();
        var client = strict.Client();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            codes.Add((await client.PostFormAsync("/account/login", Http.Form(("Input.Email", "x@example.test"), ("Input.Password", "wrong password")))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);
        var limited = await client.PostFormAsync("/account/login", Http.Form(("Input.Email", "x@example.test"), ("Input.Password", "wrong password")));
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Contains("Too many attempts", await limited.TextAsync());

        var address = $"someone-{Guid.NewGuid():N}@example.test";
        for (var i = 0; i < 6; i++)
            (await client.PostFormAsync("/find-workspace", Http.Form(("Input.Email", address)))).AssertStatus(HttpStatusCode.OK);
        await strict.Mail.WaitForAsync(address, "Your Parley workspaces");
        await Task.Delay(500);
        Assert.Equal(1, await strict.Mail.CountAsync(address));

        var (_, bot) = await BotAsync();
        var sessions = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) sessions.Add((await new WidgetClient(strict, bot).PostAsync("?handler=Session", [])).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, sessions);
    }
}

public sealed class HardeningTests_Sqlite(SqliteApp app) : HardeningTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class HardeningTests_Postgres(PostgresApp app) : HardeningTests<PostgresApp>(app);
