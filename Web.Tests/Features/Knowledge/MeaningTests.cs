using Parley.Features.Knowledge.Search;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Knowledge;

/// <summary>
/// Passages read by the local sentence model in the background after training: the bot answers at once by keywords,
/// the Knowledge page shows the reading's progress, and once read a question that shares no word with the passage
/// finds it by meaning.
/// </summary>
public abstract class MeaningTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Passages_are_read_for_meaning_after_training_and_found_by_it()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Time helper");
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Time functions"), ("content",
            "# sleep\nSuspend execution of the calling thread for the given number of seconds.\n\n" +
            "# strftime\nConvert a tuple representing a time to a string as specified by the format argument.\n\n" +
            "# monotonic\nReturn the value of a clock that cannot go backwards, in fractional seconds.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        var botId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(b => b.TenantId == ws.TenantId).Select(b => b.Id).SingleAsync());

        // The job queued when training finished reads every passage.
        for (var i = 0; i < 600 && await UnreadAsync(botId) > 0; i++) await Task.Delay(100);
        Assert.Equal(0, await UnreadAsync(botId));
        var stored = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().Where(c => c.ChatbotId == botId).Select(c => c.Meaning!.Length).ToListAsync());
        Assert.All(stored, length => Assert.Equal(BotIndex.MeaningDimensions * sizeof(float), length));

        // "pause my program for a while" shares no word with "Suspend execution ... seconds": found by meaning.
        var hits = await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            using var _ = sp.GetRequiredService<ITenantContext>().Use(await db.Tenants.SingleAsync(t => t.Id == ws.TenantId));
            var index = sp.GetRequiredService<LocalSearchIndex>();
            var found = await index.SearchAsync(botId, "how can I pause my program for a while", 3, default);
            Assert.Equal((3, 3), index.LastMeaning);
            return found;
        });
        Assert.StartsWith("Suspend execution", hits[0].Text);
        Assert.Null(hits[0].KeywordRank);
        Assert.Equal(1, hits[0].VectorRank);
        Assert.True(hits[0].Similarity > hits[1].Similarity, $"{hits[0].Similarity} vs {hits[1].Similarity}");

        // The test panel does not call a question that only meaning matches "not matched well" when meaning is close.
        var panel = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Search&q=how+can+I+pause+my+program+for+a+while")).TextAsync();
        Assert.Contains("meaning 0.", panel);
        Assert.Equal(hits[0].Similarity >= SearchHit.WellMatchedMeaning, !panel.Contains("data-testid=\"weak-match\""));

        // A passage not yet read shows as progress on the Knowledge page, which keeps refreshing until it is done.
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().Where(c => c.ChatbotId == botId && c.Text.StartsWith("Convert"))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Meaning, (byte[]?)null)));
        var sources = await (await ws.Tenant.GetHtmxAsync($"{page}?handler=Sources")).TextAsync();
        Assert.Contains("Reading passages for meaning: 2 of 3", sources);
        Assert.Contains("hx-trigger=\"every 2s\"", sources);
    }

    private Task<int> UnreadAsync(Guid botId) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().CountAsync(c => c.ChatbotId == botId && c.Meaning == null));
}

public sealed class MeaningTests_Sqlite(SqliteApp app) : MeaningTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class MeaningTests_Postgres(PostgresApp app) : MeaningTests<PostgresApp>(app);
