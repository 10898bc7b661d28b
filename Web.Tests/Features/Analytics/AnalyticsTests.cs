using System.Text.RegularExpressions;
using Parley.Features.Analytics;
using Parley.Features.Chat;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Analytics;

/// <summary>Analytics per workspace and per bot: figures counted live and by the daily rollup agree, ranges, top questions, CSV.</summary>
public abstract class AnalyticsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static string Figure(string html, string id) =>
        Regex.Replace(Regex.Replace(Regex.Match(html, $@"data-testid=""figure-{id}"">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value, "<[^>]+>", " "), @"\s+", " ").Trim();

    private static string Section(string html, string id) => Regex.Match(html, $@"data-testid=""{id}"".*?</section>", RegexOptions.Singleline).Value;

    private Task<T> InTenantAsync<T>(Guid tenantId, Func<IServiceProvider, AppDbContext, Task<T>> work) => app.ScopedAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId);
        using var _ = sp.GetRequiredService<ITenantContext>().Use(tenant);
        return await work(sp, db);
    });

    /// <summary>A handed-over conversation ten days ago: an unanswered question with a thumbs down, a person's reply after 2 minutes, resolved after an hour, rated 4, a lead.</summary>
    private Task<DateOnly> SeedOldDayAsync(Guid tenantId, string botPublicId) => InTenantAsync(tenantId, async (_, db) =>
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-10);
        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 15)), TimeSpan.Zero);
        var bot = await db.Chatbots.SingleAsync(b => b.PublicId == botPublicId);
        var visitor = new Visitor { ChatbotId = bot.Id, TokenHash = Visitor.Hash(Visitor.NewToken()), Name = "Ana", Email = "ana@example.com", LeadAt = at.AddMinutes(15), CreatedAt = at, LastSeenAt = at };
        var c = new Conversation
        {
            ChatbotId = bot.Id, VisitorId = visitor.Id, Channel = ConversationChannel.Widget, Status = ConversationStatus.Resolved, Title = "Returns",
            DomainHost = "shop.example", PageUrl = "https://shop.example/kettles", PageTitle = "Our kettles", CreatedAt = at, LastMessageAt = at.AddMinutes(7),
            EscalatedAt = at.AddMinutes(5), FirstReplyAt = at.AddMinutes(7), ResolvedAt = at.AddHours(1), Rating = 4, RatedAt = at.AddHours(1).AddMinutes(1), MessageCount = 3,
        };
        visitor.LeadConversationId = c.Id;
        db.Visitors.Add(visitor);
        db.Conversations.Add(c);
        db.Messages.AddRange(
            new Message { ConversationId = c.Id, ChatbotId = bot.Id, Role = MessageRole.User, Content = "Can I return a kettle?", CreatedAt = at },
            new Message { ConversationId = c.Id, ChatbotId = bot.Id, Role = MessageRole.Assistant, Content = "I am not sure.", Sources = "[]", Reaction = Reaction.Negative, CreatedAt = at.AddSeconds(2) },
            new Message { ConversationId = c.Id, ChatbotId = bot.Id, Role = MessageRole.Agent, Content = "Yes, within 30 days.", AgentName = "Sam", CreatedAt = at.AddMinutes(7) },
            new Message { ConversationId = c.Id, ChatbotId = bot.Id, Role = MessageRole.Note, Internal = true, Content = "Refund approved", CreatedAt = at.AddMinutes(8) });
        await db.SaveChangesAsync();
        return day;
    });

    [Fact]
    public async Task Figures_counted_live_and_rolled_up_agree_and_follow_the_range_and_the_bot()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years from the day of purchase.");
        await app.SetBotLimitAsync(ws.TenantId, 5);
        var other = await ws.Tenant.CreateBotAsync("Teapot");
        var old = await SeedOldDayAsync(ws.TenantId, bot);
        async Task AskAsync(string botId, string question, string? feedback = null)
        {
            var v = new WidgetClient(app, botId);
            await v.StartAsync();
            await v.AskAsync(question);
            if (feedback is null) return;
            var answer = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters()
                .Where(m => m.TenantId == ws.TenantId && m.Role == MessageRole.Assistant).OrderByDescending(m => m.Id).FirstAsync());
            (await v.PostAsync($"?handler=Feedback&messageId={answer.PublicId}&value={feedback}", [])).AssertStatus(HttpStatusCode.OK);
        }
        await AskAsync(bot, "How long is the warranty?", "up");
        await AskAsync(bot, "How long does the warranty last?");
        await AskAsync(bot, "Do you sell teapots?");
        await AskAsync(other, "Is the teapot glass?");
        // The playground is not counted.
        await ws.Tenant.PostFormAsync($"/bots/{bot}/playground", $"/bots/{bot}/playground?handler=Send", Http.Form(("text", "How long is the warranty?")));

        async Task<string> PageAsync(string query) => await (await ws.Tenant.GetAsync($"/analytics?{query}")).TextAsync();
        async Task AssertWorkspaceAsync()
        {
            var html = await PageAsync("days=30");
            Assert.Equal("Conversations 5 5 visitor messages", Figure(html, "conversations"));
            Assert.Equal("Answered from knowledge 40% 2 of 5 answers cited a source", Figure(html, "answered"));
            Assert.Equal("Thumbs up 50% 1 up, 1 down", Figure(html, "thumbs"));
            Assert.Equal("Average rating 4.0 of 5 1 rating", Figure(html, "rating"));
            Assert.Equal("Leads 1 20% of conversations", Figure(html, "leads"));
            Assert.Equal("Asked for a person 1 20% of conversations", Figure(html, "escalations"));
            Assert.Equal("First response 2 min Average over 1 handed-over conversation", Figure(html, "first-response"));
            Assert.Equal("Time to resolve 1 h Average over 1 resolved", Figure(html, "resolution"));
            var top = Section(html, "top-questions");
            Assert.Matches(@"(?s)How long (is|does) the warranty.*?2×", top);
            Assert.Contains("Our kettles", Section(html, "places-pages"));
            Assert.Contains("shop.example", Section(html, "places-domains"));
            Assert.Matches(@"Visitors write most between \d\d:00 and \d\d:00 UTC", html);
            Assert.Contains("Visitor messages by hour of day (UTC): 5 in all", html);
        }
        await AssertWorkspaceAsync();

        // The rollup stores the finished days; the page reads them and still counts today live.
        await InTenantAsync(ws.TenantId, async (sp, _) => { await ActivatorUtilities.CreateInstance<AnalyticsRollupJob>(sp).RollUpAsync(sp, default); return 0; });
        var stored = await InTenantAsync(ws.TenantId, async (_, db) => (await db.BotDays.AsNoTracking().ToListAsync(), await db.AnalyticsStates.SingleAsync()));
        var row = Assert.Single(stored.Item1);
        Assert.Equal(old, row.Day);
        Assert.Equal((1, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 120, 1, 3600), (row.Conversations, row.VisitorMessages, row.Answers, row.Unanswered, row.AgentReplies, row.ThumbsDown,
            row.Ratings, row.RatingSum, row.Leads, row.Escalations, row.FirstResponses, row.FirstResponseSeconds, row.Resolved, row.ResolutionSeconds));
        Assert.Equal(1, row.HourCounts()[9]);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), stored.Item2.RolledUpThrough);
        await AssertWorkspaceAsync();
        // Running again changes nothing (the last days are recounted, not added twice).
        await InTenantAsync(ws.TenantId, async (sp, _) => { await ActivatorUtilities.CreateInstance<AnalyticsRollupJob>(sp).RollUpAsync(sp, default); return 0; });
        Assert.Equal(1, await InTenantAsync(ws.TenantId, (_, db) => db.BotDays.CountAsync()));

        // One bot, and a range without the old day.
        var teapot = await PageAsync($"bot={other}&days=30");
        Assert.Equal("Conversations 1 1 visitor messages", Figure(teapot, "conversations"));
        Assert.Equal("Leads 0 0% of conversations", Figure(teapot, "leads"));
        var week = await PageAsync($"bot={bot}&days=7");
        Assert.Equal("Conversations 3 3 visitor messages", Figure(week, "conversations"));
        Assert.Equal("Asked for a person 0 0% of conversations", Figure(week, "escalations"));
        var oldOnly = await PageAsync($"from={old:yyyy-MM-dd}&to={old:yyyy-MM-dd}");
        Assert.Equal("Conversations 1 1 visitor messages", Figure(oldOnly, "conversations"));
        Assert.Contains("Can I return a kettle?", Section(oldOnly, "top-questions"));

        // Bad ranges are explained, not failed.
        Assert.Contains("Dates are written like 2026-11-30", await PageAsync("from=yesterday"));
        Assert.Contains("The first day comes after the last one", await PageAsync($"from={old.AddDays(2):yyyy-MM-dd}&to={old:yyyy-MM-dd}"));
        Assert.Contains("A report covers at most 366 days", await PageAsync("from=2020-01-01&to=2026-01-01"));

        // The CSV: one line per bot and day with activity.
        var csv = await ws.Tenant.GetAsync($"/analytics?handler=Csv&days=30");
        csv.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Date,Chatbot,Conversations,Visitor messages,Answers,Answers without a source", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal($"{old:yyyy-MM-dd},Kettle,1,1,1,1,1,0,1,1,4.00,1,1,1,120,1,3600", lines[1]);
        Assert.Contains(lines, l => l.StartsWith($"{DateTime.UtcNow:yyyy-MM-dd},Kettle,3,3,3,"));
        Assert.Contains(lines, l => l.StartsWith($"{DateTime.UtcNow:yyyy-MM-dd},Teapot,1,1,1,"));

        // Another workspace sees none of it, even when it names this workspace's bot.
        var stranger = await app.SignUpAsync();
        var theirs = await (await stranger.Tenant.GetAsync($"/analytics?bot={bot}&days=30")).TextAsync();
        Assert.Contains("That chatbot is not one you can see", theirs);
        Assert.Equal("Conversations 0 0 visitor messages", Figure(theirs, "conversations"));
        Assert.DoesNotContain("warranty", Section(theirs, "top-questions"), StringComparison.OrdinalIgnoreCase);
        var theirCsv = (await (await stranger.Tenant.GetAsync($"/analytics?handler=Csv&bot={bot}&days=30")).Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.Single(theirCsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }
}

public sealed class AnalyticsTests_Sqlite(SqliteApp app) : AnalyticsTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class AnalyticsTests_Postgres(PostgresApp app) : AnalyticsTests<PostgresApp>(app);
