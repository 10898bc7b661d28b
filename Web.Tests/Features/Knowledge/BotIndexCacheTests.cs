using Parley.Features.Knowledge.Search;
using Parley.Infrastructure.Jobs;

namespace Parley.Tests.Features.Knowledge;

/// <summary>The embedded index's vectors in memory: one load for many searches at once, and a bound on the whole cache.</summary>
public sealed class BotIndexCacheTests
{
    private static async Task<(SqliteApp App, SignedUp Ws, Guid[] Bots)> TwoBotsAsync(int megabytes)
    {
        var app = new SqliteApp { Settings = new() { ["Parley:Search:VectorCacheMegabytes"] = megabytes.ToString() } };
        await app.InitializeAsync();
        var ws = await app.SignUpAsync();
        await app.SetBotLimitAsync(ws.TenantId, 2);
        foreach (var name in new[] { "First", "Second" })
        {
            var bot = await ws.Tenant.CreateBotAsync(name);
            await ws.Tenant.PostFormAsync($"/bots/{bot}/knowledge", $"/bots/{bot}/knowledge?handler=Text", Http.Form(("title", name), ("content", $"{name} bot: we open at nine and close at six.")));
        }
        await app.WaitForSourcesAsync(ws.TenantId);
        // Training queues a background read of the passages for meaning, which ends by moving the bots' knowledge version:
        // let it finish first, so the loads counted below are the test's own.
        async Task<(int Unread, long Versions)> KnowledgeAsync() => await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return (await db.Chunks.IgnoreQueryFilters().CountAsync(c => c.TenantId == ws.TenantId && c.Meaning == null),
                await db.Chatbots.IgnoreQueryFilters().Where(b => b.TenantId == ws.TenantId).SumAsync(b => (long)b.KnowledgeVersion));
        });
        var settled = await KnowledgeAsync();
        for (var i = 0; i < 300; i++)
        {
            await Task.Delay(200);
            var now = await KnowledgeAsync();
            if (now == settled && now.Unread == 0) break;
            settled = now;
        }
        var ids = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(b => b.TenantId == ws.TenantId).OrderBy(b => b.Name).Select(b => b.Id).ToArrayAsync());
        return (app, ws, ids);
    }

    private static Task<BotIndex> GetAsync(ParleyApp app, SignedUp ws, Guid bot) => app.ScopedAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Id == ws.TenantId);
        return await sp.GetRequiredService<TenantScopes>().RunAsync(tenant, inner =>
            inner.GetRequiredService<BotIndexCache>().GetAsync(inner.GetRequiredService<AppDbContext>(), ws.TenantId, bot, default));
    });

    [Fact]
    public async Task Many_searches_of_a_cold_bot_load_it_once_and_a_change_loads_it_again()
    {
        var (app, ws, bots) = await TwoBotsAsync(512);
        await using var _ = app;
        var cache = app.Services.GetRequiredService<BotIndexCache>();
        var before = cache.Loads;
        var all = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => GetAsync(app, ws, bots[0])));
        Assert.Equal(1, cache.Loads - before);
        Assert.All(all, v => Assert.Same(all[0], v));
        Assert.Same(all[0], await GetAsync(app, ws, bots[0]));

        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(b => b.Id == bots[0])
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.KnowledgeVersion, b => b.KnowledgeVersion + 1)));
        Assert.NotSame(all[0], await GetAsync(app, ws, bots[0])); // another instance changed the bot: this one reloads
        Assert.Equal(2, cache.Loads - before);
    }

    [Fact]
    public async Task Past_its_bound_the_cache_drops_the_least_recently_used_bot()
    {
        var (app, ws, bots) = await TwoBotsAsync(0); // room for one bot at a time
        await using var _ = app;
        var cache = app.Services.GetRequiredService<BotIndexCache>();
        var first = await GetAsync(app, ws, bots[0]);
        await GetAsync(app, ws, bots[1]);
        Assert.True(cache.Bytes <= first.Data.LongLength * sizeof(float) + first.Ids.LongLength * sizeof(long) + 10_000, $"{cache.Bytes} bytes held");
        var before = cache.Loads;
        Assert.NotSame(first, await GetAsync(app, ws, bots[0])); // it was dropped for the second bot
        Assert.Equal(1, cache.Loads - before);
    }
}
