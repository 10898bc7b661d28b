namespace Parley.Tests.Features.Chat;

/// <summary>
/// Several instances share one PostgreSQL: a message stored through one instance reaches the visitor's live stream on
/// another (NOTIFY/LISTEN), as the visitor's tabs may be connected to different instances behind the load balancer.
/// </summary>
[Trait(Providers.Trait, Providers.Postgres)]
public sealed class LiveAcrossInstancesTests
{
    [Fact]
    public async Task A_message_sent_through_one_instance_reaches_the_visitor_s_stream_on_another()
    {
        await using var one = new PostgresApp();
        await one.InitializeAsync();
        await using var two = one.Twin();
        await two.InitializeAsync();
        var (_, bot) = await one.WorkspaceWithTrainedBotAsync("Kettles", "Warranty", "# Warranty\nEvery kettle is covered for two years from the day of purchase.");

        var tabOnOne = new WidgetClient(one, bot) { Tab = "a" };
        await tabOnOne.StartAsync();
        var tabOnTwo = new WidgetClient(two, bot) { Token = tabOnOne.Token, Tab = "b" };
        await using var live = await tabOnTwo.OpenLiveAsync();

        await tabOnOne.AskAsync("How long is the warranty?");
        var seen = (await live.WaitForAsync(2, TimeSpan.FromSeconds(15))).Where(e => e.Event.StartsWith("c-")).ToList();
        Assert.Equal(2, seen.Count);
        Assert.Contains("How long is the warranty?", seen[0].Data);
        Assert.Contains("two years", seen[1].Data);
    }
}
