using Parley.Features.Workspaces;

namespace Parley.Tests.Features.Chat;

/// <summary>
/// Several instances share one PostgreSQL: the visitor's widget is connected to one instance and the agent's inbox to
/// another (as a load balancer may place them), and each sees the other's messages live (outbox → NOTIFY → LISTEN).
/// </summary>
[Trait(Providers.Trait, Providers.Postgres)]
public sealed class LiveAcrossInstancesTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_visitor_on_one_instance_and_an_agent_on_another_see_each_other_s_messages_live()
    {
        await using var one = new PostgresApp();
        await one.InitializeAsync();
        await using var two = one.Twin();
        await two.InitializeAsync();
        var (ws, bot) = await one.WorkspaceWithTrainedBotAsync("Kettles", "Warranty", "# Warranty\nEvery kettle is covered for two years from the day of purchase.");
        await ws.Tenant.EnableHumanSupportAsync(bot);
        var email = await one.AddMemberAsync(ws.TenantId, Role.Agent);
        var userId = await one.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        await ws.Tenant.PostFormAsync($"/bots/{bot}", $"/bots/{bot}?handler=Assign", Http.Form(("users", userId.ToString())), htmx: false);
        var agentOnTwo = await two.SignInAsync(ws.Slug, email);

        // The visitor's two tabs: one asks through instance one, the other listens on instance two; the agent's inbox is on two.
        var tabOnOne = new WidgetClient(one, bot) { Tab = "a" };
        await tabOnOne.StartAsync();
        var tabOnTwo = new WidgetClient(two, bot) { Token = tabOnOne.Token, Tab = "b" };
        await using var otherTab = await tabOnTwo.OpenLiveAsync();
        var response = await agentOnTwo.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/inbox/live"), HttpCompletionOption.ResponseHeadersRead);
        response.AssertStatus(HttpStatusCode.OK);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());
        await using var inbox = new WidgetClient.LiveStream(response, reader);
        await using var visitorLive = await tabOnOne.OpenLiveAsync();

        var (html, _) = await tabOnOne.AskAsync("How long is the warranty?");
        var id = WidgetClient.ConversationOf(html);
        Assert.Equal(2, (await otherTab.WaitForAsync(2, Within)).Count(e => e.Event == $"c-{id}")); // question and answer
        Assert.Contains(await inbox.WaitForAsync(1, Within), e => e.Event == $"c-{id}");
        var thread = await (await agentOnTwo.GetHtmxAsync($"/inbox?handler=Conversation&id={id}")).TextAsync();
        Assert.Contains("How long is the warranty?", thread);
        Assert.Contains("two years", thread);

        // The agent replies through instance two: the visitor's stream on instance one hears it and fetches it there.
        visitorLive.Events.Clear();
        (await agentOnTwo.PostFormAsync("/inbox", $"/inbox?handler=Send&id={id}", Http.Form(("text", "Hello from the team!"), ("kind", "reply")))).AssertStatus(HttpStatusCode.NoContent);
        var heard = await visitorLive.WaitForAsync(2, Within);
        Assert.Contains(heard, e => e.Event == $"c-{id}");
        Assert.Contains(heard, e => e.Event == $"s-{id}");
        var answer = await one.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters()
            .Where(m => m.ConversationId == id && m.Role == Parley.Features.Chat.MessageRole.Assistant).Select(m => m.PublicId).SingleAsync());
        Assert.Contains("Hello from the team!", await (await tabOnOne.GetAsync($"?handler=After&id={id}&after={answer}")).TextAsync());

        // The visitor answers through instance one: the inbox on instance two hears it.
        inbox.Events.Clear();
        await tabOnOne.SendAsync("Thanks, that helps", id);
        Assert.Contains(await inbox.WaitForAsync(1, Within), e => e.Event == $"c-{id}");
        Assert.Contains("Thanks, that helps", await (await agentOnTwo.GetHtmxAsync($"/inbox?handler=Conversation&id={id}")).TextAsync());
    }
}
