using Parley.Features.Chat;

namespace Parley.Tests.Features.BotSettings;

/// <summary>The General screen: model from the plan, history, page context, follow-ups and the Premium-only per-conversation limit.</summary>
public abstract class GeneralTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static Dictionary<string, string> Form(params (string Key, string Value)[] overrides)
    {
        var form = new Dictionary<string, string>
        {
            ["Description"] = "Kettle questions", ["Input.Model"] = "extractive", ["Input.HistoryMessages"] = "2",
            ["Input.PageContext"] = "false", ["Input.SmartFollowUps"] = "false",
        };
        foreach (var (k, v) in overrides) form[k] = v;
        return form;
    }

    [Fact]
    public async Task Settings_are_saved_audited_and_used_for_the_next_answer()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Warranty"), ("content", "# Warranty\nEvery kettle is covered for two years.\n\n# Delivery\nParcels arrive in three days.\n\n# Returns\nReturns are free for thirty days.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        var page = $"/bots/{bot}/settings/general";
        var form = await (await ws.Tenant.GetAsync(page)).TextAsync();
        Assert.Contains("Extractive (no AI model", form);
        Assert.Contains("gpt-4.1-mini", form); // the Free plan's models

        (await ws.Tenant.PostFormAsync(page, page, Form())).AssertStatus(HttpStatusCode.OK);
        var row = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotGenerals.IgnoreQueryFilters().SingleAsync(g => g.TenantId == ws.TenantId));
        Assert.Equal((2, false, false), (row.HistoryMessages, row.PageContext, row.SmartFollowUps));
        Assert.Equal("Kettle questions", await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(b => b.PublicId == bot).Select(b => b.Description).SingleAsync()));
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().AnyAsync(a => a.TenantId == ws.TenantId && a.Action == "bot.general_changed" && a.NewValues!.Contains("Description"))));

        var widget = new WidgetClient(app, bot);
        var answer = await widget.AskStartedAsync("How long is the warranty?");
        Assert.Contains("two years", answer.Done);
        Assert.DoesNotContain("data-testid=\"follow-ups\"", answer.Done); // follow-ups switched off

        // Page context off: the prompt has no page block. Checked on the prompt the pipeline builds.
        var conversation = new Conversation { PageUrl = "https://shop.example/help", PageTitle = "Help" };
        var bare = AnswerPrompt.Build(new Parley.Features.Bots.Chatbot { Name = "K" }, new Conversation(), [], "q", [], []);
        var withPage = AnswerPrompt.Build(new Parley.Features.Bots.Chatbot { Name = "K" }, conversation, [], "q", [], []);
        Assert.DoesNotContain(bare, m => (m.Text ?? "").Contains("<page>"));
        Assert.Contains(withPage, m => (m.Text ?? "").Contains("<page>"));
    }

    [Fact]
    public async Task Models_outside_the_plan_and_the_premium_limit_are_refused_until_allowed()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettles");
        var page = $"/bots/{bot}/settings/general";
        var model = await ws.Tenant.PostFormAsync(page, page, Form(("Input.Model", "o4-mini")));
        model.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Pick one of the models your plan includes.", await model.TextAsync());
        var limit = await ws.Tenant.PostFormAsync(page, page, Form(("Input.LimitMessages", "true"), ("Input.MaxMessages", "2")));
        limit.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("comes with the Premium plan", await limit.TextAsync());
        var bad = await ws.Tenant.PostFormAsync(page, page, Form(("Input.HistoryMessages", "50")));
        Assert.Contains("Send between 0 and 20 earlier messages.", await bad.TextAsync());

        // On Premium the limit applies: after two messages the visitor is asked to start a new conversation.
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.Limits.RemoveBranding, true));
        (await ws.Tenant.PostFormAsync(page, page, Form(("Input.LimitMessages", "true"), ("Input.MaxMessages", "2")))).AssertStatus(HttpStatusCode.OK);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var first = await widget.SendAsync("One?");
        var id = Guid.Parse(System.Text.RegularExpressions.Regex.Match(first, "data-conversation=\"([0-9a-f-]+)\"").Groups[1].Value);
        await widget.SendAsync("Two?", id);
        var third = await widget.PostAsync("?handler=Send", new() { ["text"] = "Three?", ["conversationId"] = id.ToString() });
        third.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("This conversation has reached its message limit", await third.Content.ReadAsStringAsync());
        await widget.SendAsync("A new conversation works."); // starting over is allowed

        var other = await app.SignUpAsync();
        (await other.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
    }
}

public sealed class GeneralTests_Sqlite(SqliteApp app) : GeneralTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class GeneralTests_Postgres(PostgresApp app) : GeneralTests<PostgresApp>(app);
