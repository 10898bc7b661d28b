using System.Text.RegularExpressions;
using Parley.Features.Chat;
using Parley.Features.Inbox;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Live;

namespace Parley.Tests.Features.Inbox;

/// <summary>
/// The live inbox end to end over HTTP: a visitor escalates and every open inbox hears it; an agent takes over, replies,
/// writes notes, resolves; the widget hears each change; the visitor rates. Roles see only their bots, another workspace
/// nothing; escalation mail waits for an empty inbox; every live event goes through the outbox.
/// </summary>
public abstract class InboxTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private async Task<(SignedUp Ws, string Bot, HttpClient Agent, Guid AgentId)> SetUpAsync(int notifyAfter = 5)
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettles", "Warranty", "# Warranty\nEvery kettle is covered for two years.\n\n# Delivery\nParcels arrive in three days.");
        await ws.Tenant.EnableHumanSupportAsync(bot, ("Input.Confirmation", "Someone will be with you."), ("Input.Notify", "true"),
            ("Input.NotifyEmails", $"team-{ws.Slug}@kettles.example"), ("Input.NotifyAfterMinutes", notifyAfter.ToString()));
        var agent = await app.AgentOnBotAsync(ws, bot);
        var agentId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters()
            .Where(m => m.TenantId == ws.TenantId && m.Role == Role.Agent).Select(m => m.UserId).SingleAsync());
        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var user = await db.Users.SingleAsync(u => u.Id == agentId);
            user.FullName = "Anna Agent";
            await db.SaveChangesAsync();
            return 0;
        });
        return (ws, bot, agent, agentId);
    }

    private static async Task<WidgetClient.LiveStream> OpenInboxAsync(HttpClient member)
    {
        var response = await member.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/inbox/live"), HttpCompletionOption.ResponseHeadersRead);
        response.AssertStatus(HttpStatusCode.OK);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());
        return new WidgetClient.LiveStream(response, reader);
    }

    private static async Task<List<string>> WaitForEventAsync(WidgetClient.LiveStream live, string name)
    {
        var until = DateTime.UtcNow + Within;
        while (DateTime.UtcNow < until && !live.Events.Any(e => e.Event == name)) await Task.Delay(50);
        var names = live.Events.Select(e => e.Event).ToList();
        Assert.True(names.Contains(name), $"No \"{name}\" event; got: {string.Join(", ", names)}");
        live.Events.Clear();
        return names;
    }

    private Task<Conversation> RowAsync(Guid id) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Conversations.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == id));

    private static Task<HttpResponseMessage> ActAsync(HttpClient member, string handler, Guid id, params (string, string)[] form) =>
        member.PostFormAsync("/inbox", $"/inbox?handler={handler}&id={id}", Http.Form(form));

    [Fact]
    public async Task An_escalation_reaches_open_inboxes_live_and_the_agent_takes_over_replies_and_resolves()
    {
        var (ws, bot, agent, agentId) = await SetUpAsync();
        await using var inbox = await OpenInboxAsync(agent);
        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        var (html, _) = await visitor.AskAsync("How long is the warranty?");
        var id = WidgetClient.ConversationOf(html);
        await WaitForEventAsync(inbox, "list"); // the bot's conversation shows under All open at once
        await using var widget = await visitor.OpenLiveAsync();

        (await visitor.PostAsync($"?handler=Escalate&conversationId={id}", [])).AssertStatus(HttpStatusCode.OK);
        await WaitForEventAsync(inbox, $"s-{id}");
        var waiting = await (await agent.GetHtmxAsync("/inbox?handler=List&view=Waiting")).TextAsync();
        Assert.Contains($"data-conversation=\"{id}\"", waiting);
        Assert.Contains("data-waiting=\"1\"", waiting);
        Assert.Contains("data-unread=\"true\"", waiting);
        var row = await RowAsync(id);
        Assert.Equal((ConversationStatus.Pending, Responder.Human, (Guid?)null), (row.Status, row.Responder, row.AssigneeId));
        Assert.NotNull(row.WaitingSince);

        // The agent opens it (read now) and replies: the bot is out, the agent is assigned, the visitor hears it live.
        var thread = await (await agent.GetHtmxAsync($"/inbox?handler=Conversation&id={id}")).TextAsync();
        Assert.Contains("How long is the warranty?", thread);
        Assert.Contains("Someone will be with you.", thread);
        (await ActAsync(agent, "Send", id, ("text", "Hi, I'm Anna. Two years, yes!"), ("kind", "reply"))).AssertStatus(HttpStatusCode.NoContent);
        await WaitForEventAsync(widget, $"s-{id}");
        var last = await LastVisibleMessageAsync(id, before: true);
        var fetched = await (await visitor.GetAsync($"?handler=After&id={id}&after={last}")).TextAsync();
        Assert.Contains("Two years, yes!", fetched);
        Assert.Contains("data-testid=\"agent-name\">Anna<", fetched);
        var state = await (await visitor.GetAsync($"?handler=State&id={id}")).TextAsync();
        Assert.Contains("data-human=\"true\"", state);
        Assert.Contains("data-agent=\"Anna\"", state);
        Assert.Contains("Usually replies in a few minutes", state);
        row = await RowAsync(id);
        Assert.Equal((ConversationStatus.Open, Responder.Human, (Guid?)agentId), (row.Status, row.Responder, row.AssigneeId));
        Assert.NotNull(row.FirstReplyAt);
        Assert.Null(row.WaitingSince);
        Assert.Contains($"data-conversation=\"{id}\"", await (await agent.GetHtmxAsync("/inbox?handler=List&view=Mine")).TextAsync());

        // The visitor answers: no bot answer, the inbox hears it, and the visitor waits for the person again.
        var turn = await visitor.SendAsync("Great, and delivery?", id);
        Assert.Null(WidgetClient.StreamOf(turn));
        await WaitForEventAsync(inbox, $"c-{id}");
        Assert.NotNull((await RowAsync(id)).WaitingSince);
        var agentLast = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters().Where(m => m.ConversationId == id && m.Role == MessageRole.Agent).Select(m => m.PublicId).SingleAsync());
        var news = await (await agent.GetHtmxAsync($"/inbox?handler=Messages&id={id}&after={agentLast}")).TextAsync();
        Assert.Contains("Great, and delivery?", news);
        Assert.DoesNotContain("Two years, yes!", news);

        // A private note: the team sees it, the visitor never does, and neither does the bot's model.
        widget.Events.Clear();
        (await ActAsync(agent, "Send", id, ("text", "VIP customer, be nice"), ("kind", "note"))).AssertStatus(HttpStatusCode.NoContent);
        await WaitForEventAsync(inbox, $"c-{id}");
        await Task.Delay(300);
        Assert.DoesNotContain(widget.Events, e => e.Event == $"c-{id}");
        Assert.DoesNotContain("VIP customer", await (await visitor.GetAsync($"?handler=Conversation&id={id}")).TextAsync());
        Assert.DoesNotContain("VIP customer", await (await visitor.GetAsync($"?handler=After&id={id}&after={agentLast}")).TextAsync());
        Assert.Contains("VIP customer", await (await agent.GetHtmxAsync($"/inbox?handler=Conversation&id={id}")).TextAsync());

        // Important and tags; both show in the list and filter it.
        (await ActAsync(agent, "Important", id, ("on", "true"))).AssertStatus(HttpStatusCode.OK);
        (await ActAsync(agent, "Tags", id, ("tags", "Delivery, vip"))).AssertStatus(HttpStatusCode.OK);
        var bad = await ActAsync(agent, "Tags", id, ("tags", "no spaces!"));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("single words", await bad.TextAsync());
        row = await RowAsync(id);
        Assert.Equal((true, "|delivery|vip|"), (row.Important, row.Tags));
        Assert.Contains($"data-conversation=\"{id}\"", await (await agent.GetHtmxAsync("/inbox?handler=List&view=Open&tag=vip")).TextAsync());
        Assert.DoesNotContain($"data-conversation=\"{id}\"", await (await agent.GetHtmxAsync("/inbox?handler=List&view=Open&tag=refund")).TextAsync());
        Assert.Contains($"data-conversation=\"{id}\"", await (await agent.GetHtmxAsync("/inbox?handler=List&view=Open&q=delivery%3F")).TextAsync());

        // Resolved: the visitor sees it closed, cannot write on, and rates it.
        (await ActAsync(agent, "Resolve", id)).AssertStatus(HttpStatusCode.OK);
        await WaitForEventAsync(widget, $"s-{id}");
        state = await (await visitor.GetAsync($"?handler=State&id={id}")).TextAsync();
        Assert.Contains("data-closed=\"true\"", state);
        Assert.Contains("data-testid=\"rating-form\"", state);
        var closed = await visitor.PostAsync("?handler=Send", new() { ["text"] = "One more thing", ["conversationId"] = id.ToString() });
        closed.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("This conversation is closed", await closed.TextAsync());
        (await visitor.PostAsync("?handler=Rate", new() { ["conversationId"] = id.ToString(), ["rating"] = "9" })).AssertStatus(HttpStatusCode.UnprocessableEntity);
        var rated = await visitor.PostAsync("?handler=Rate", new() { ["conversationId"] = id.ToString(), ["rating"] = "5", ["comment"] = "Anna was great" });
        rated.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("data-testid=\"rating-thanks\"", await rated.TextAsync());
        row = await RowAsync(id);
        Assert.Equal((ConversationStatus.Resolved, 5, "Anna was great"), (row.Status, row.Rating, row.RatingComment));
        Assert.NotNull(row.ResolvedAt);
        Assert.Contains($"data-conversation=\"{id}\"", await (await agent.GetHtmxAsync("/inbox?handler=List&view=Resolved")).TextAsync());

        // Reopened, snoozed, woken by the visitor, handed back: the bot answers again.
        (await ActAsync(agent, "Reopen", id)).AssertStatus(HttpStatusCode.OK);
        var tooLate = await ActAsync(agent, "Snooze", id, ("at", DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm")));
        tooLate.AssertStatus(HttpStatusCode.UnprocessableEntity);
        (await ActAsync(agent, "Snooze", id, ("until", "1h"))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(ConversationStatus.Snoozed, (await RowAsync(id)).Status);
        Assert.Contains($"data-conversation=\"{id}\"", await (await agent.GetHtmxAsync("/inbox?handler=List&view=Snoozed")).TextAsync());
        await visitor.SendAsync("Still there?", id);
        Assert.Equal(ConversationStatus.Open, (await RowAsync(id)).Status);
        (await ActAsync(agent, "HandBack", id)).AssertStatus(HttpStatusCode.OK);
        row = await RowAsync(id);
        Assert.Equal((Responder.Bot, (Guid?)null), (row.Responder, row.AssigneeId));
        Assert.NotNull(WidgetClient.StreamOf(await visitor.SendAsync("How long is delivery?", id)));

        // Every live event went through the outbox and was published.
        var outbox = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LiveOutbox.Where(e => e.TenantId == ws.TenantId).Select(e => e.State).ToListAsync());
        Assert.True(outbox.Count > 15, $"Only {outbox.Count} events in the outbox.");
        Assert.All(outbox, s => Assert.True(s is LiveEventState.Published or LiveEventState.NotPublished or LiveEventState.InProgress));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30); // SQLite marks delivered events published every 10 s
        while (DateTime.UtcNow < until && await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LiveOutbox.AnyAsync(e => e.TenantId == ws.TenantId && e.State != LiveEventState.Published)))
            await Task.Delay(100);
        Assert.False(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LiveOutbox.AnyAsync(e => e.TenantId == ws.TenantId && e.State != LiveEventState.Published)));
    }

    /// <summary>The public id of the newest message the visitor can see (before the agent's reply when asked).</summary>
    private Task<Guid> LastVisibleMessageAsync(Guid conversation, bool before) => app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters()
        .Where(m => m.ConversationId == conversation && !m.Internal && m.Role != MessageRole.Note && (!before || m.Role != MessageRole.Agent && m.AgentId == null))
        .OrderByDescending(m => m.Id).Select(m => m.PublicId).FirstAsync());

    [Fact]
    public async Task Members_see_only_their_bots_conversations_and_another_workspace_sees_none()
    {
        var (ws, bot, agent, _) = await SetUpAsync();
        await app.SetBotLimitAsync(ws.TenantId, 2);
        var other = await ws.Tenant.CreateBotAsync("Toasters");
        await ws.Tenant.PostFormAsync($"/bots/{other}/knowledge", $"/bots/{other}/knowledge?handler=Text", Http.Form(("title", "Toast"), ("content", "# Toast\nToasters toast.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        var theirs = new WidgetClient(app, other);
        await theirs.StartAsync();
        var hidden = WidgetClient.ConversationOf((await theirs.AskAsync("Do toasters toast?")).Html);
        var mine = new WidgetClient(app, bot);
        await mine.StartAsync();
        var visible = WidgetClient.ConversationOf((await mine.AskAsync("How long is the warranty?")).Html);

        var list = await (await agent.GetHtmxAsync("/inbox?handler=List&view=Open")).TextAsync();
        Assert.Contains($"data-conversation=\"{visible}\"", list);
        Assert.DoesNotContain($"data-conversation=\"{hidden}\"", list);
        foreach (var handler in new[] { "Conversation", "Messages", "Header" })
            (await agent.GetHtmxAsync($"/inbox?handler={handler}&id={hidden}")).AssertStatus(HttpStatusCode.NotFound);
        foreach (var handler in new[] { "Send", "TakeOver", "Resolve", "Assign", "Tags" })
            (await ActAsync(agent, handler, hidden, ("text", "hello"))).AssertStatus(HttpStatusCode.NotFound);
        (await agent.GetAsync($"/inbox?c={hidden}")).AssertStatus(HttpStatusCode.NotFound);
        var owner = await (await ws.Tenant.GetHtmxAsync("/inbox?handler=List&view=Open")).TextAsync();
        Assert.Contains($"data-conversation=\"{hidden}\"", owner);
        Assert.Contains($"data-conversation=\"{visible}\"", owner);

        // Assigning: only to a member who can see the bot (the agent cannot see Toasters).
        var agentId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters().Where(m => m.TenantId == ws.TenantId && m.Role == Role.Agent).Select(m => m.UserId).SingleAsync());
        var refused = await ActAsync(ws.Tenant, "Assign", hidden, ("userId", agentId.ToString()));
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("cannot see this bot", await refused.TextAsync());
        (await ActAsync(ws.Tenant, "Assign", visible, ("userId", agentId.ToString()))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(agentId, (await RowAsync(visible)).AssigneeId);
        Assert.Contains($"data-conversation=\"{visible}\"", await (await agent.GetHtmxAsync("/inbox?handler=List&view=Mine")).TextAsync());

        // A snoozed conversation wakes when its time comes (the job queued for then), unless it was woken or snoozed again since.
        (await ActAsync(ws.Tenant, "Snooze", visible, ("until", "1h"))).AssertStatus(HttpStatusCode.OK);
        var until = (await RowAsync(visible)).SnoozedUntil!.Value;
        var tenant = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.SingleAsync(t => t.Id == ws.TenantId));
        Task WakeAsync(DateTimeOffset at) => app.Services.GetRequiredService<TenantScopes>().RunAsync(tenant, sp => sp.GetRequiredService<ConversationActions>().WakeAsync(visible, at).ContinueWith(_ => 0));
        await WakeAsync(until.AddMinutes(-5)); // an older snooze's job: nothing happens
        Assert.Equal(ConversationStatus.Snoozed, (await RowAsync(visible)).Status);
        await WakeAsync(until);
        var woken = await RowAsync(visible);
        Assert.Equal((ConversationStatus.Open, (DateTimeOffset?)null), (woken.Status, woken.SnoozedUntil));

        // A member who leaves hands their open conversations back to Unassigned.
        var agentMembership = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters().Where(m => m.TenantId == ws.TenantId && m.UserId == agentId).Select(m => m.Id).SingleAsync());
        await ws.Tenant.PostFormAsync("/team", $"/team?handler=Remove&id={agentMembership}", []);
        Assert.Null((await RowAsync(visible)).AssigneeId);

        // Another workspace: its owner gets 404 for these ids, and its inbox stream hears nothing of them.
        var stranger = await app.SignUpAsync();
        await using var strangerInbox = await OpenInboxAsync(stranger.Tenant);
        (await stranger.Tenant.GetHtmxAsync($"/inbox?handler=Conversation&id={visible}")).AssertStatus(HttpStatusCode.NotFound);
        (await ActAsync(stranger.Tenant, "Send", visible, ("text", "hi"))).AssertStatus(HttpStatusCode.NotFound);
        await mine.PostAsync($"?handler=Escalate&conversationId={visible}", []);
        await Task.Delay(500);
        Assert.Empty(strangerInbox.Events);
        Assert.Equal(1, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters().CountAsync(m => m.ConversationId == visible && m.Role == MessageRole.Activity && !m.Internal)));
    }

    [Fact]
    public async Task An_escalation_is_mailed_only_when_nobody_who_can_see_the_bot_has_the_inbox_open()
    {
        var (ws, bot, agent, _) = await SetUpAsync(notifyAfter: 5);
        var team = $"team-{ws.Slug}@kettles.example";
        var tenant = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.SingleAsync(t => t.Id == ws.TenantId));
        async Task<(Guid Id, DateTimeOffset At)> EscalateAsync()
        {
            var visitor = new WidgetClient(app, bot);
            await visitor.StartAsync();
            var id = WidgetClient.ConversationOf((await visitor.AskAsync("How long is the warranty?")).Html);
            (await visitor.PostAsync($"?handler=Escalate&conversationId={id}", [])).AssertStatus(HttpStatusCode.OK);
            return (id, (await RowAsync(id)).EscalatedAt!.Value);
        }
        Task RunNoticeAsync(Guid id, DateTimeOffset at) =>
            app.Services.GetRequiredService<TenantScopes>().RunAsync(tenant, sp => sp.GetRequiredService<EscalationNotice>().RunAsync(id, at).ContinueWith(_ => 0));

        // The agent has the inbox open after the visitor asked: they heard it there, so no mail.
        var first = await EscalateAsync();
        await using (var inbox = await OpenInboxAsync(agent)) await RunNoticeAsync(first.Id, first.At);
        await Task.Delay(500);
        Assert.Equal(0, await app.Mail.CountAsync(team, "asked for a person"));

        // Nobody has the inbox open since this visitor asked: the team is mailed, with a link into the inbox.
        await Task.Delay(50);
        var second = await EscalateAsync();
        await RunNoticeAsync(second.Id, second.At);
        var mail = await app.Mail.WaitForAsync(team, "asked for a person");
        Assert.Contains($"/inbox?c={second.Id}", mail.Text);

        // Answered in the meantime: no mail.
        var third = await EscalateAsync();
        await ActAsync(agent, "Send", third.Id, ("text", "On it."), ("kind", "reply"));
        await RunNoticeAsync(third.Id, third.At);
        await Task.Delay(500);
        Assert.Equal(1, await app.Mail.CountAsync(team, "asked for a person"));
    }

    [Fact]
    public async Task Saved_replies_are_managed_by_managers_and_offered_in_the_composer()
    {
        var (ws, bot, agent, _) = await SetUpAsync();
        var page = "/inbox/replies";
        (await ws.Tenant.PostFormAsync(page, page, Http.Form(("Shortcut", "/Warranty"), ("Content", "Every kettle is covered for two years.")))).AssertStatus(HttpStatusCode.OK);
        var taken = await ws.Tenant.PostFormAsync(page, page, Http.Form(("Shortcut", "warranty"), ("Content", "Again")));
        taken.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("/warranty is taken already.", await taken.TextAsync());
        var bad = await ws.Tenant.PostFormAsync(page, page, Http.Form(("Shortcut", "two words"), ("Content", "")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Use lowercase letters", await bad.TextAsync());
        Assert.Contains("Write the reply.", await bad.TextAsync());
        Assert.Contains("/account/access-denied", (await agent.PostFormAsync(page, page, Http.Form(("Shortcut", "mine"), ("Content", "x")))).RedirectTarget() ?? "");
        Assert.Contains("/warranty", await (await agent.GetAsync(page)).TextAsync());

        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        var id = WidgetClient.ConversationOf((await visitor.AskAsync("Hello?")).Html);
        var thread = await (await agent.GetHtmxAsync($"/inbox?handler=Conversation&id={id}")).BodyAsync();
        Assert.Matches(new Regex("data-saved-replies>\\[\\{\"Shortcut\":\"warranty\",\"Content\":\"Every kettle is covered for two years.\"\\}\\]"), thread);
        var other = await app.SignUpAsync();
        Assert.DoesNotContain("warranty", await (await other.Tenant.GetAsync(page)).TextAsync());
    }
}

public sealed class InboxTests_Sqlite(SqliteApp app) : InboxTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class InboxTests_Postgres(PostgresApp app) : InboxTests<PostgresApp>(app);
