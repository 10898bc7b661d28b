using Parley.Features.Leads;

namespace Parley.Tests.Features.BotSettings;

/// <summary>The Leads screen and what it drives: the form in the widget when its trigger fires, the visitor made a lead, the team's mail, the Leads page and its CSV.</summary>
public abstract class LeadsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static Dictionary<string, string> Form(params (string Key, string Value)[] overrides)
    {
        var form = new Dictionary<string, string>
        {
            ["Input.Enabled"] = "true", ["Input.CollectName"] = "true", ["Input.CollectPhone"] = "true", ["Input.Industry"] = "custom",
            ["Input.Trigger"] = "AfterMessages", ["Input.AfterMessages"] = "2", ["Input.TriggerKeywords"] = "wholesale",
            ["Fields[0].Label"] = "Company", ["Fields[0].Type"] = "Text", ["Fields[0].Required"] = "true", ["Fields[0].Placeholder"] = "Acme Ltd",
            ["Fields[1].Label"] = "Team size", ["Fields[1].Type"] = "Number",
            ["Input.BookingEnabled"] = "true", ["Input.BookingUrl"] = "https://cal.example/kettles",
            ["Input.Notify"] = "true", ["Input.NotifyEmails"] = "sales@kettles.example",
        };
        foreach (var (k, v) in overrides) form[k] = v;
        return form;
    }

    private async Task<(SignedUp Ws, string Bot)> BotWithKnowledgeAsync()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Warranty"), ("content", "# Warranty\nEvery kettle is covered for two years.\n\n# Delivery\nParcels arrive in three days.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        return (ws, bot);
    }

    [Fact]
    public async Task The_form_follows_the_second_message_makes_a_lead_mails_the_team_and_lists_it()
    {
        var (ws, bot) = await BotWithKnowledgeAsync();
        var page = $"/bots/{bot}/settings/leads";
        var notify = $"sales-{Guid.NewGuid():N}@kettles.example";
        var saved = await ws.Tenant.PostFormAsync(page, page, Form(("Input.NotifyEmails", notify)));
        saved.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Saved.", await saved.TextAsync());
        var settings = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LeadSettings.IgnoreQueryFilters().SingleAsync(s => s.TenantId == ws.TenantId));
        Assert.Equal(["company", "team_size"], settings.Fields.Select(f => f.Name));
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.leads_changed")));

        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (html, first) = await widget.AskAsync("How long is the warranty?");
        Assert.DoesNotContain("data-testid=\"lead-form\"", first.Done);
        var conversation = WidgetClient.ConversationOf(html);
        var (_, second) = await widget.AskAsync("And how fast is delivery?", conversation);
        Assert.Contains("three days", second.Done);
        Assert.Contains("data-testid=\"lead-form\"", second.Done);
        Assert.Contains("Company *", second.Done);
        Assert.Contains("placeholder=\"Acme Ltd\"", second.Done);
        var (_, third) = await widget.AskAsync("Thanks, and the warranty again?", conversation);
        Assert.DoesNotContain("data-testid=\"lead-form\"", third.Done); // offered once per conversation

        var lead = $"?handler=Lead&conversationId={conversation}";
        var bad = await widget.PostAsync(lead, new() { ["name"] = "Kim", ["email"] = "kim-at-example", ["phone"] = "12", ["f_team_size"] = "many" });
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("Please enter an email address like name@example.com.", badHtml);
        Assert.Contains("Please fill in Company.", badHtml);
        Assert.Contains("Please enter a number.", badHtml);
        Assert.Contains("6 to 15 digits", badHtml);
        Assert.Contains("value=\"Kim\"", badHtml); // what was typed stays
        Assert.Null(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Visitors.IgnoreQueryFilters().Where(v => v.TenantId == ws.TenantId).Select(v => v.LeadAt).SingleAsync()));

        var ok = await widget.PostAsync(lead, new() { ["name"] = "Kim Lee", ["email"] = "kim@example.com", ["phone"] = "+44 20 7946 0018", ["f_company"] = "=Kettle Works", ["f_team_size"] = "12" });
        ok.AssertStatus(HttpStatusCode.OK);
        var thanks = await ok.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"lead-thanks\"", thanks);
        Assert.Contains("https://cal.example/kettles", thanks);
        var visitor = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Visitors.IgnoreQueryFilters().SingleAsync(v => v.TenantId == ws.TenantId));
        Assert.Equal(("Kim Lee", "kim@example.com", "+44 20 7946 0018", conversation), (visitor.Name, visitor.Email, visitor.Phone, visitor.LeadConversationId));
        Assert.NotNull(visitor.LeadAt);
        Assert.Contains("Kettle Works", visitor.LeadFields);

        var mail = await app.Mail.WaitForAsync(notify, "New lead from Kettles: Kim Lee");
        Assert.Contains("Company: =Kettle Works", mail.Text);
        Assert.Contains($"/bots/{bot}/conversations/{conversation}", mail.Text);
        Assert.Contains($"{ws.Slug}.", mail.Text);

        var transcript = await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations/{conversation}")).TextAsync();
        Assert.Contains("data-testid=\"lead-details\"", transcript);
        Assert.Contains("Company", transcript); // the field's label, not its name
        Assert.Contains("=Kettle Works", transcript);

        // A visitor who is a lead is not asked again, in a new conversation either.
        var (_, later) = await widget.AskAsync("Do you sell wholesale?");
        Assert.DoesNotContain("data-testid=\"lead-form\"", later.Done);

        var list = await (await ws.Tenant.GetAsync("/leads")).TextAsync();
        Assert.Contains("Kim Lee", list);
        Assert.Contains("kim@example.com", list);
        Assert.Contains("Kettle Works", await (await ws.Tenant.GetAsync("/leads?q=kettle+works")).TextAsync());
        Assert.Contains("data-testid=\"leads-empty\"", await (await ws.Tenant.GetAsync("/leads?q=nobody-here")).TextAsync());
        var csv = await ws.Tenant.GetAsync("/leads?handler=Csv");
        csv.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Name,Email,Phone,company,team_size,Bot,Captured (UTC),Conversation", lines[0]);
        // Cells a spreadsheet would run as formulas (=, +, -, @) are prefixed with an apostrophe.
        Assert.StartsWith("Kim Lee,kim@example.com,'+44 20 7946 0018,'=Kettle Works,12,Kettles,", lines[1]);

        // Another workspace sees none of it, and cannot post a lead into this conversation.
        var other = await app.SignUpAsync();
        Assert.DoesNotContain("Kim Lee", await (await other.Tenant.GetAsync("/leads")).TextAsync());
        Assert.DoesNotContain("Kim Lee", await (await other.Tenant.GetAsync("/leads?handler=Csv")).TextAsync());
        var stranger = new WidgetClient(app, bot);
        await stranger.StartAsync();
        (await stranger.PostAsync(lead, new() { ["name"] = "Eve", ["email"] = "eve@example.com", ["f_company"] = "X" })).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Interest_keywords_and_unanswered_questions_bring_the_form_up()
    {
        var (ws, bot) = await BotWithKnowledgeAsync();
        var page = $"/bots/{bot}/settings/leads";
        (await ws.Tenant.PostFormAsync(page, page, Form(("Input.Trigger", "Interest"), ("Input.Notify", "false")))).AssertStatus(HttpStatusCode.OK);
        Assert.DoesNotContain("lead-form", (await new WidgetClient(app, bot).AskStartedAsync("How long is the warranty?")).Done);
        Assert.Contains("lead-form", (await new WidgetClient(app, bot).AskStartedAsync("What does the warranty cost?")).Done);
        Assert.Contains("lead-form", (await new WidgetClient(app, bot).AskStartedAsync("Do you do Wholesale orders?")).Done); // the bot's keyword

        (await ws.Tenant.PostFormAsync(page, page, Form(("Input.Trigger", "Unanswered"), ("Input.Notify", "false"), ("Input.TriggerKeywords", "")))).AssertStatus(HttpStatusCode.OK);
        Assert.DoesNotContain("lead-form", (await new WidgetClient(app, bot).AskStartedAsync("How long is the warranty?")).Done);
        Assert.Contains("lead-form", (await new WidgetClient(app, bot).AskStartedAsync("Can I paint my zeppelin purple?")).Done);

        (await ws.Tenant.PostFormAsync(page, page, Form(("Input.Enabled", "false")))).AssertStatus(HttpStatusCode.OK);
        Assert.DoesNotContain("lead-form", (await new WidgetClient(app, bot).AskStartedAsync("Can I paint my zeppelin purple?")).Done);
    }

    [Fact]
    public async Task Bad_values_templates_and_who_may_edit()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/settings/leads";
        var bad = await a.Tenant.PostFormAsync(page, page, Form(("Input.BookingUrl", "ftp://cal.example"), ("Input.NotifyEmails", "sales@kettles.example, not-an-address"),
            ("Fields[1].Name", "Team Size!"), ("Fields[2].Label", "Company"), ("Fields[2].Name", "company"), ("Input.AfterMessages", "0")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var text = await bad.TextAsync();
        Assert.Contains("Enter the full booking address", text);
        Assert.Contains("\"not-an-address\" is not an email address.", text);
        Assert.Contains("Field names use lowercase letters", text);
        Assert.Contains("Another field is already called \"company\".", text);
        Assert.Contains("Ask after 1 to 50 messages.", text);
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LeadSettings.IgnoreQueryFilters().Where(s => s.TenantId == a.TenantId).ToListAsync()));

        // A template fills the form in without saving it.
        var filled = await a.Tenant.PostFormAsync(page, $"{page}?handler=Template", Form(("Input.Industry", "dental")));
        filled.AssertStatus(HttpStatusCode.OK);
        var form = await filled.TextAsync();
        Assert.Contains("Filled in from the Dental Clinic template", form);
        Assert.Contains("value=\"Preferred date\"", form);
        Assert.Contains("appointment, book, cleaning", form);
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LeadSettings.IgnoreQueryFilters().Where(s => s.TenantId == a.TenantId).ToListAsync()));

        (await b.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", page, Form())).AssertStatus(HttpStatusCode.NotFound);
        var agent = await app.AgentOnBotAsync(a, bot);
        Assert.Contains("/account/access-denied", (await agent.GetAsync(page)).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync("/bots", page, Form())).RedirectTarget() ?? "");
        (await agent.GetAsync("/leads")).AssertStatus(HttpStatusCode.OK); // agents see the leads of their bots
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LeadSettings.IgnoreQueryFilters().Where(s => s.TenantId == a.TenantId).ToListAsync()));
    }
}

public sealed class LeadsTests_Sqlite(SqliteApp app) : LeadsTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class LeadsTests_Postgres(PostgresApp app) : LeadsTests<PostgresApp>(app);
