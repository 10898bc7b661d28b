using Parley.Features.Chat;

namespace Parley.Tests.Features.BotSettings;

/// <summary>The Human support screen and the widget's escalation: buttons, confirmation, the conversation handed over, the team's mail.</summary>
public abstract class HumanSupportTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static Dictionary<string, string> Form(params (string Key, string Value)[] overrides)
    {
        var form = new Dictionary<string, string>
        {
            ["Input.Enabled"] = "true", ["Input.PositivePrompt"] = "Sorted, thanks!", ["Input.RequestPrompt"] = "Get me a human",
            ["Input.Confirmation"] = "A Kettle Co person will be right with you.", ["Input.Notify"] = "true", ["Input.NotifyEmails"] = "support@kettles.example",
        };
        foreach (var (k, v) in overrides) form[k] = v;
        return form;
    }

    [Fact]
    public async Task A_visitor_asks_for_a_person_the_bot_steps_back_and_the_team_is_mailed_a_link()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Warranty"), ("content", "# Warranty\nEvery kettle is covered for two years.\n\n# Delivery\nParcels arrive in three days.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        var page = $"/bots/{bot}/settings/human-support";
        Assert.DoesNotContain("data-testid=\"escalation\"", (await new WidgetClient(app, bot).AskStartedAsync("How long is the warranty?")).Done); // off by default

        var notify = $"support-{Guid.NewGuid():N}@kettles.example";
        var saved = await ws.Tenant.PostFormAsync(page, page, Form(("Input.NotifyEmails", notify), ("Input.NotifyAfterMinutes", "0")));
        saved.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Saved.", await saved.TextAsync());
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.human_support_changed")));

        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (html, answer) = await widget.AskAsync("How long is the warranty?");
        var conversation = WidgetClient.ConversationOf(html);
        Assert.Contains("data-testid=\"escalation\"", answer.Done);
        Assert.Contains("Sorted, thanks!", answer.Done);
        Assert.Contains("Get me a human", answer.Done);
        Assert.Contains("data-testid=\"follow-ups\"", answer.Done); // beside the suggestions unless told to replace them

        var answerId = Guid.Parse(System.Text.RegularExpressions.Regex.Match(answer.Done, "data-message=\"([0-9a-f-]{36})\"").Groups[1].Value);
        (await widget.PostAsync($"?handler=Helpful&messageId={answerId}", [])).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(Reaction.Positive, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters().Where(m => m.PublicId == answerId).Select(m => m.Reaction).SingleAsync()));

        // Someone else's visitor cannot escalate this conversation.
        var stranger = new WidgetClient(app, bot);
        await stranger.StartAsync();
        (await stranger.PostAsync($"?handler=Escalate&conversationId={conversation}", [])).AssertStatus(HttpStatusCode.NotFound);

        var escalated = await widget.PostAsync($"?handler=Escalate&conversationId={conversation}", []);
        escalated.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("A Kettle Co person will be right with you.", await escalated.TextAsync());
        var row = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Conversations.IgnoreQueryFilters().SingleAsync(c => c.Id == conversation));
        Assert.Equal((ConversationStatus.Pending, Responder.Human), (row.Status, row.Responder));
        Assert.Equal(row.EscalatedAt, row.WaitingSince);
        Assert.NotNull(row.EscalatedAt);
        var mail = await app.Mail.WaitForAsync(notify, "asked for a person on Kettles");
        Assert.Contains("How long is the warranty?", mail.Text);
        Assert.Contains($"/inbox?c={conversation}", mail.Text);
        (await widget.PostAsync($"?handler=Escalate&conversationId={conversation}", [])).AssertStatus(HttpStatusCode.OK);
        await Task.Delay(300);
        Assert.Equal(1, await app.Mail.CountAsync(notify, "asked for a person")); // asking twice tells the team once

        // In human mode the bot stays quiet: the message is kept for the team, no answer is streamed.
        var turn = await widget.SendAsync("Are you there?", conversation);
        Assert.Null(WidgetClient.StreamOf(turn));
        Assert.Contains("Are you there?", turn);
        var view = await (await widget.GetAsync($"?handler=Conversation&id={conversation}")).TextAsync();
        Assert.Contains("data-human=\"true\"", view);
        Assert.DoesNotContain("data-testid=\"escalation\"", view);
        Assert.Contains("Waiting for a person", await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations")).TextAsync());
        Assert.Contains("Asked for a person", await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations/{conversation}")).TextAsync());

        // Replacing suggestions hides follow-ups; switching it off removes the buttons and refuses escalation.
        await ws.Tenant.PostFormAsync(page, page, Form(("Input.ReplaceSuggestions", "true"), ("Input.NotifyEmails", notify), ("Input.NotifyAfterMinutes", "0")));
        var replaced = await new WidgetClient(app, bot).AskStartedAsync("How long is the warranty?");
        Assert.Contains("data-testid=\"escalation\"", replaced.Done);
        Assert.DoesNotContain("data-testid=\"follow-ups\"", replaced.Done);
        await ws.Tenant.PostFormAsync(page, page, Form(("Input.Enabled", "false"), ("Input.Notify", "false")));
        var off = new WidgetClient(app, bot);
        await off.StartAsync();
        var (offHtml, offAnswer) = await off.AskAsync("How long is the warranty?");
        Assert.DoesNotContain("data-testid=\"escalation\"", offAnswer.Done);
        (await off.PostAsync($"?handler=Escalate&conversationId={WidgetClient.ConversationOf(offHtml)}", [])).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_values_get_field_messages_and_agents_and_other_workspaces_are_refused()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var bot = await a.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/settings/human-support";
        var bad = await a.Tenant.PostFormAsync(page, page, Form(("Input.RequestPrompt", ""), ("Input.NotifyEmails", "help@")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var text = await bad.TextAsync();
        Assert.Contains("Give the \"talk to a person\" button a label.", text);
        Assert.Contains("\"help@\" is not an email address.", text);
        var none = await a.Tenant.PostFormAsync(page, page, Form(("Input.NotifyEmails", "")));
        none.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Add at least one address to notify.", await none.TextAsync());

        (await b.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/bots", page, Form())).AssertStatus(HttpStatusCode.NotFound);
        var agent = await app.AgentOnBotAsync(a, bot);
        Assert.Contains("/account/access-denied", (await agent.GetAsync(page)).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync("/bots", page, Form())).RedirectTarget() ?? "");
        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().HumanSupportSettings.IgnoreQueryFilters().Where(s => s.TenantId == a.TenantId).ToListAsync()));
    }
}

public sealed class HumanSupportTests_Sqlite(SqliteApp app) : HumanSupportTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class HumanSupportTests_Postgres(PostgresApp app) : HumanSupportTests<PostgresApp>(app);
