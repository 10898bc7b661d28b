using Parley.Features.Bots;
using Parley.Features.Knowledge.Embedding;
using Parley.Features.Knowledge.Search;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Knowledge;

/// <summary>The embedded hybrid index on a real database: keyword and vector rankings fused, always within one tenant's bot.</summary>
public abstract class SearchIndexTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static readonly HashingEmbedder Embedder = new();

    private async Task<Guid> BotWithChunksAsync(SignedUp ws, params string[] texts) => await app.ScopedAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        using var _ = sp.GetRequiredService<ITenantContext>().Use(await db.Tenants.SingleAsync(t => t.Id == ws.TenantId));
        var bot = new Chatbot { Name = "Index test", CreatedAt = DateTimeOffset.UtcNow };
        db.Chatbots.Add(bot);
        var sourceRow = new Parley.Features.Knowledge.Sources.Source { ChatbotId = bot.Id, Kind = Parley.Features.Knowledge.Sources.SourceKind.Text, Title = "Test text", CreatedAt = DateTimeOffset.UtcNow };
        db.Sources.Add(sourceRow);
        var source = sourceRow.Id;
        for (var i = 0; i < texts.Length; i++)
            db.Chunks.Add(new Chunk
            {
                ChatbotId = bot.Id, SourceId = source, Index = i, Text = texts[i], Tokens = texts[i].Split(' ').Length, Page = i + 1,
                Headings = "Help", ContentHash = i.ToString(), Embedding = LocalSearchIndex.ToBytes(Embedder.Embed(texts[i])), CreatedAt = DateTimeOffset.UtcNow,
            });
        await db.SaveChangesAsync();
        return bot.Id;
    });

    private Task<IReadOnlyList<SearchHit>> SearchAsync(Guid tenantId, Guid botId, string query) => app.ScopedAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        using var _ = sp.GetRequiredService<ITenantContext>().Use(await db.Tenants.SingleAsync(t => t.Id == tenantId));
        return await sp.GetRequiredService<LocalSearchIndex>().SearchAsync(botId, query, 5, default);
    });

    [Fact]
    public async Task Hybrid_search_puts_the_right_passage_first_and_reports_both_rankings()
    {
        var ws = await app.SignUpAsync();
        var bot = await BotWithChunksAsync(ws,
            "Refunds are paid back to the original card within 30 days of the return arriving.",
            "We ship to 40 countries; delivery takes two to five working days.",
            "Our support team answers chat messages from 9am to 6pm on weekdays.",
            "Gift cards cannot be exchanged for cash.");

        var hits = await SearchAsync(ws.TenantId, bot, "How long do refunds take?");
        Assert.StartsWith("Refunds are paid back", hits[0].Text);
        Assert.Equal(1, hits[0].Page);
        Assert.NotNull(hits[0].KeywordRank);
        Assert.NotNull(hits[0].VectorRank);
        Assert.Contains("delivery", (await SearchAsync(ws.TenantId, bot, "shipping delivery countries"))[0].Text);
        Assert.Empty(await SearchAsync(ws.TenantId, bot, "\"*)(^ zzqx NEAR(")); // query syntax never reaches FTS5/tsquery, and nothing unrelated is offered
    }

    [Fact]
    public async Task Search_never_returns_another_bots_or_tenants_passages_and_sees_new_chunks()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var botA = await BotWithChunksAsync(a, "The secret discount code of tenant A is ALPHA.");
        var botB = await BotWithChunksAsync(b, "Tenant B sells bicycles and bicycle parts.");

        Assert.All(await SearchAsync(b.TenantId, botB, "secret discount code"), h => Assert.DoesNotContain("ALPHA", h.Text));
        Assert.Empty(await SearchAsync(b.TenantId, botA, "secret discount code")); // b's tenant with a's bot id
        var first = await SearchAsync(a.TenantId, botA, "bicycles");
        Assert.All(first, h => Assert.DoesNotContain("bicycle", h.Text));

        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            using var _ = sp.GetRequiredService<ITenantContext>().Use(await db.Tenants.SingleAsync(t => t.Id == a.TenantId));
            var sourceId = await db.Sources.Where(x => x.ChatbotId == botA).Select(x => x.Id).FirstAsync();
            db.Chunks.Add(new Chunk { ChatbotId = botA, SourceId = sourceId, Text = "We also rent bicycles by the hour.", ContentHash = "x",
                Embedding = LocalSearchIndex.ToBytes(Embedder.Embed("We also rent bicycles by the hour.")), CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        Assert.Contains("rent bicycles", (await SearchAsync(a.TenantId, botA, "bicycles"))[0].Text);
    }

    [Fact]
    public async Task A_bots_ranking_does_not_move_when_another_bot_or_workspace_adds_content()
    {
        var a = await app.SignUpAsync();
        var bot = await BotWithChunksAsync(a,
            "Descale the kettle monthly with citric acid.",
            "The kettle warranty lasts two years.",
            "Citric acid is sold in our shop.");
        var before = await SearchAsync(a.TenantId, bot, "kettle descale citric acid");

        // Another workspace (and another bot of this one) fill up with the same words: under table-wide statistics
        // "citric" and "kettle" would become common and every score above would change.
        var b = await app.SignUpAsync();
        await BotWithChunksAsync(b, Enumerable.Range(0, 40).Select(i => $"Citric acid kettle descale tip {i}.").ToArray());
        await BotWithChunksAsync(a, Enumerable.Range(0, 40).Select(i => $"Kettle {i} with citric acid inside.").ToArray());

        var after = await SearchAsync(a.TenantId, bot, "kettle descale citric acid");
        Assert.Equal(before.Select(h => (h.ChunkId, h.Score, h.KeywordRank, h.Coverage)), after.Select(h => (h.ChunkId, h.Score, h.KeywordRank, h.Coverage)));
        Assert.StartsWith("Descale the kettle", after[0].Text);
        Assert.Equal(1.0, after[0].Coverage!.Value, 3);
        Assert.Equal("Test text", after[0].Title);
    }
}

public sealed class SearchIndexTests_Sqlite(SqliteApp app) : SearchIndexTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class SearchIndexTests_Postgres(PostgresApp app) : SearchIndexTests<PostgresApp>(app);
