using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Parley.Features.Chat;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Chat;

/// <summary>Faults the answer path can meet: a search outage or a failed save ends in "Try again" with nothing lost.</summary>
public sealed class AnswerFaults
{
    public volatile bool FailSearch;
    public volatile bool FailAnswerSave;
}

internal sealed class FlakySearch(ISearchIndex inner, AnswerFaults faults) : ISearchIndex
{
    public Task<IReadOnlyList<SearchHit>> SearchAsync(Guid chatbotId, string query, int top, CancellationToken ct) =>
        faults.FailSearch ? throw new HttpRequestException("The search service is unavailable (503).") : inner.SearchAsync(chatbotId, query, top, ct);
    public Task SyncSourceAsync(Guid sourceId, IReadOnlyList<Chunk> chunks, CancellationToken ct) => inner.SyncSourceAsync(sourceId, chunks, ct);
    public Task RemoveSourceAsync(Guid sourceId, CancellationToken ct) => inner.RemoveSourceAsync(sourceId, ct);
    public Task RemoveBotAsync(Guid chatbotId, CancellationToken ct) => inner.RemoveBotAsync(chatbotId, ct);
    public Task RemoveTenantAsync(Guid tenantId, CancellationToken ct) => inner.RemoveTenantAsync(tenantId, ct);
}

/// <summary>Refuses, like a database that went away, any save that stores a bot's answer while told to.</summary>
internal sealed class FailingAnswerSave(AnswerFaults faults) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default) =>
        faults.FailAnswerSave && eventData.Context!.ChangeTracker.Entries<Message>().Any(e => e.State == EntityState.Added && e.Entity.Role == MessageRole.Assistant)
            ? throw new DbUpdateException("The database connection was lost.")
            : base.SavingChangesAsync(eventData, result, ct);
}

/// <summary>
/// The answer path under concurrency and faults, on both databases: a quota of one message left answers exactly one of
/// twenty parallel questions; parallel thumbs and escalations count exactly once; a search outage or a failed save ends
/// in the retry state with a SystemError and the question kept; a visitor who leaves still gets the answer stored and counted.
/// </summary>
public abstract class AnswerConcurrencyTests<TApp> where TApp : ParleyApp, new()
{
    private readonly AnswerFaults faults = new();

    private async Task<TApp> AppAsync()
    {
        var app = new TApp
        {
            TestServices = services =>
            {
                services.AddSingleton(faults);
                services.AddSingleton<IInterceptor, FailingAnswerSave>();
                var original = services.Last(d => d.ServiceType == typeof(ISearchIndex));
                services.Remove(original);
                services.Add(new ServiceDescriptor(typeof(ISearchIndex), sp =>
                    new FlakySearch((ISearchIndex)(original.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)), sp.GetRequiredService<AnswerFaults>()), original.Lifetime));
            },
        };
        await app.InitializeAsync();
        return app;
    }

    private static async Task<(SignedUp Ws, string Bot)> TrainedBotAsync(ParleyApp app)
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Kettle helper");
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Warranty"), ("content", "# Warranty\nEvery kettle is covered for two years from the day of purchase. Keep your receipt and register the kettle online within thirty days to extend the cover.")));
        Assert.All(await app.WaitForSourcesAsync(ws.TenantId), s => Assert.Equal(SourceStatus.Ready, s.Status));
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.VisitorMessagesPerMinute, 1000);
        return (ws, bot);
    }

    private static Task<T> Db<T>(ParleyApp app, Func<AppDbContext, Task<T>> read) => app.ScopedAsync(sp => read(sp.GetRequiredService<AppDbContext>()));

    [Fact]
    public async Task One_message_of_quota_left_answers_exactly_one_of_twenty_parallel_questions()
    {
        await using var app = await AppAsync();
        var (ws, bot) = await TrainedBotAsync(app);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        await widget.AskAsync("How long is the warranty?");
        var used = await Db(app, db => db.UsagePeriods.IgnoreQueryFilters().Where(u => u.TenantId == ws.TenantId).SumAsync(u => u.Messages));
        Assert.Equal(1, used);
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.MessagesPerMonth, used + 1);

        var turns = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => widget.SendAsync($"Question number {i} about the warranty?")));
        Assert.Single(turns, t => WidgetClient.StreamOf(t) is not null);
        Assert.Equal(19, turns.Count(t => t.Contains("reached its limit for the month")));
        Assert.Equal(2, await Db(app, db => db.UsagePeriods.IgnoreQueryFilters().Where(u => u.TenantId == ws.TenantId).SumAsync(u => u.Messages)));
        // Every question is kept, answered or not.
        Assert.Equal(21, await Db(app, db => db.Messages.IgnoreQueryFilters().CountAsync(m => m.TenantId == ws.TenantId && m.Role == MessageRole.User)));
        await app.Mail.WaitForAsync(ws.Email, "this month's 2 messages");
        await Task.Delay(300);
        Assert.Equal(1, await app.Mail.CountAsync(ws.Email, "this month's"));
    }

    [Fact]
    public async Task Parallel_thumbs_and_escalations_count_exactly_once()
    {
        await using var app = await AppAsync();
        var (ws, bot) = await TrainedBotAsync(app);
        var notify = $"team-{Guid.NewGuid():N}@kettles.example";
        var support = $"/bots/{bot}/settings/human-support";
        (await ws.Tenant.PostFormAsync(support, support, new Dictionary<string, string>
        {
            ["Input.Enabled"] = "true", ["Input.PositivePrompt"] = "Sorted", ["Input.RequestPrompt"] = "A person please",
            ["Input.Confirmation"] = "Someone will be with you.", ["Input.Notify"] = "true", ["Input.NotifyEmails"] = notify, ["Input.NotifyAfterMinutes"] = "0",
        })).AssertStatus(HttpStatusCode.OK);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (html, answer) = await widget.AskAsync("How long is the warranty?");
        var conversation = WidgetClient.ConversationOf(html);
        var answerId = Regex.Match(answer.Done, "data-message=\"([0-9a-f-]{36})\"").Groups[1].Value;

        // 50 thumbs at once, up and down from several tabs: the counters match the reaction the answer ends with.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => widget.PostAsync($"?handler=Feedback&messageId={answerId}&value={(i % 2 == 0 ? "up" : "down")}", [])));
        var (reaction, positive, negative) = await Db(app, async db =>
        {
            var r = await db.Messages.IgnoreQueryFilters().Where(m => m.PublicId == Guid.Parse(answerId)).Select(m => m.Reaction).SingleAsync();
            var c = await db.Conversations.IgnoreQueryFilters().SingleAsync(x => x.Id == conversation);
            return (r, c.PositiveCount, c.NegativeCount);
        });
        Assert.Equal(reaction == Reaction.Positive ? 1 : 0, positive);
        Assert.Equal(reaction == Reaction.Negative ? 1 : 0, negative);

        // A double click and a second tab: one confirmation, one mail to the team.
        var escalations = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => widget.PostAsync($"?handler=Escalate&conversationId={conversation}", [])));
        Assert.All(escalations, r => r.AssertStatus(HttpStatusCode.OK));
        Assert.Equal(1, await Db(app, db => db.Messages.IgnoreQueryFilters().CountAsync(m => m.ConversationId == conversation && m.Role == MessageRole.Activity)));
        await app.Mail.WaitForAsync(notify, "asked for a person");
        await Task.Delay(500);
        Assert.Equal(1, await app.Mail.CountAsync(notify, "asked for a person"));
    }

    [Fact]
    public async Task A_search_outage_or_a_failed_save_ends_in_try_again_with_the_question_kept_and_nothing_half_said()
    {
        await using var app = await AppAsync();
        var (ws, bot) = await TrainedBotAsync(app);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        Task<int> Used() => Db(app, db => db.UsagePeriods.IgnoreQueryFilters().Where(u => u.TenantId == ws.TenantId).SumAsync(u => u.Messages));
        Task<int> Answers() => Db(app, db => db.Messages.IgnoreQueryFilters().CountAsync(m => m.TenantId == ws.TenantId && m.Role == MessageRole.Assistant));

        foreach (var (stage, fail) in new (string, Action<bool>)[] { ("retrieve", on => faults.FailSearch = on), ("save", on => faults.FailAnswerSave = on) })
        {
            fail(true);
            var (html, failed) = await widget.AskAsync($"How long is the warranty ({stage})?");
            fail(false);
            Assert.Contains("Try again", failed.Done);
            Assert.True(await Db(app, db => db.SystemErrors.IgnoreQueryFilters().AnyAsync(e => e.TenantId == ws.TenantId && e.Service == "chat" && e.Stage == stage)));
            Assert.Equal(0, await Answers());
            Assert.Equal(0, await Used()); // the reserved message was given back
            Assert.True(await Db(app, db => db.Messages.IgnoreQueryFilters().AnyAsync(m => m.TenantId == ws.TenantId && m.Content == $"How long is the warranty ({stage})?")));

            // Try again works once the fault is gone.
            var questionId = Regex.Match(failed.Done, "questionId=([0-9a-f-]{36})").Groups[1].Value;
            var retry = await widget.PostAsync($"?handler=Retry&questionId={questionId}", []);
            retry.AssertStatus(HttpStatusCode.OK);
            var again = await widget.StreamAsync(WidgetClient.StreamOf(await retry.Content.ReadAsStringAsync())!);
            Assert.Contains("two years", again.Done);
            Assert.Equal(1, await Answers());
            Assert.Equal(1, await Used());
            await Db(app, db => db.Messages.IgnoreQueryFilters().Where(m => m.TenantId == ws.TenantId && m.Role == MessageRole.Assistant).ExecuteDeleteAsync());
            await Db(app, db => db.UsagePeriods.IgnoreQueryFilters().Where(u => u.TenantId == ws.TenantId).ExecuteUpdateAsync(u => u.SetProperty(x => x.Messages, 0)));
            _ = html;
        }
    }

    [Fact]
    public async Task A_visitor_who_leaves_mid_answer_still_gets_it_stored_and_counted()
    {
        await using var app = await AppAsync();
        var (ws, bot) = await TrainedBotAsync(app);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var url = WidgetClient.StreamOf(await widget.SendAsync("How long is the warranty?"))!;
        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        using (var response = await widget.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line && !line.StartsWith("event: token")) { }
        } // the visitor closes the page after the first words

        Message? stored = null;
        for (var i = 0; i < 100 && stored is null; i++)
        {
            await Task.Delay(100);
            stored = await Db(app, db => db.Messages.IgnoreQueryFilters().FirstOrDefaultAsync(m => m.TenantId == ws.TenantId && m.Role == MessageRole.Assistant));
        }
        Assert.NotNull(stored);
        Assert.Contains("two years", stored.Content);
        var usage = await Db(app, db => db.ModelUsages.IgnoreQueryFilters().SingleAsync(u => u.TenantId == ws.TenantId));
        Assert.Equal(1, usage.Messages);
        // It is there when the visitor comes back.
        var conversation = await Db(app, db => db.Conversations.IgnoreQueryFilters().SingleAsync(c => c.TenantId == ws.TenantId));
        Assert.Equal(2, conversation.MessageCount);
    }
}

public sealed class AnswerConcurrencyTests_Sqlite : AnswerConcurrencyTests<SqliteApp>;

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class AnswerConcurrencyTests_Postgres : AnswerConcurrencyTests<PostgresApp>;
