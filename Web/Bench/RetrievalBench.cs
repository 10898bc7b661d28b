using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Embedding;
using Parley.Features.Knowledge.Search;
using Parley.Features.Workspaces;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Bench;

/// <summary>Retrieval latency of the embedded index (SQLite FTS5 + in-memory vectors + RRF) for one bot of N chunks.</summary>
public static class RetrievalBench
{
    private static readonly string[] Vocabulary =
    [
        "the", "of", "and", "to", "a", "in", "is", "you", "that", "it", "for", "on", "are", "with", "as", "be", "your", "or",
        "can", "we", "this", "by", "from", "at", "have", "not", "will", "if", "our", "an", "do", "all", "my", "how", "when",
        "order", "refund", "delivery", "shipping", "account", "password", "invoice", "payment", "card", "return", "warranty", "size",
        "colour", "stock", "store", "opening", "hours", "support", "chat", "email", "phone", "discount", "code", "gift", "voucher",
        "subscription", "cancel", "upgrade", "plan", "price", "tax", "country", "customs", "tracking", "parcel", "courier", "damaged",
        "replacement", "exchange", "login", "security", "privacy", "data", "cookie", "newsletter", "loyalty", "points", "member",
    ];

    public static async Task RunAsync(int chunks)
    {
        var path = Path.Combine(Path.GetTempPath(), $"parley-bench-{Guid.NewGuid():n}.db");
        var db = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={path}" };
        var services = new ServiceCollection();
        services.AddSingleton<ITenantContext, TenantContext>();
        services.AddDbContext<AppDbContext>(o => DataSetup.Configure(o, db, Path.GetTempPath()));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbedder());
        services.AddSingleton(new BotIndexCache());
        services.AddScoped<LocalSearchIndex>();
        services.AddSingleton<Parley.Features.Knowledge.Embedding.SentenceModel>();
        services.AddOptions<SearchOptions>();
        await using var sp = services.BuildServiceProvider();
        try
        {
            await new SchemaRunner(sp.GetRequiredService<IServiceScopeFactory>(), Options.Create(db), NullLogger<SchemaRunner>.Instance).ApplyAsync();
            var (tenant, botId) = await SeedAsync(sp, chunks, meaning: true);
            var tenants = sp.GetRequiredService<ITenantContext>();
            using var _ = tenants.Use(tenant);

            var random = new Random(42);
            var queries = Enumerable.Range(0, 220).Select(_ => $"how do I {ContentWord(random)} my {ContentWord(random)} {ContentWord(random)}?").ToList();
            var times = new List<double>();
            var parts = new List<(double K, double C, double V)>();
            foreach (var (query, i) in queries.Select((q, i) => (q, i)))
            {
                await using var scope = sp.CreateAsyncScope();
                var index = scope.ServiceProvider.GetRequiredService<LocalSearchIndex>();
                var sw = Stopwatch.StartNew();
                var hits = await index.SearchAsync(botId, query, 8, default);
                sw.Stop();
                if (i >= 20) { times.Add(sw.Elapsed.TotalMilliseconds); parts.Add(index.LastTimings); } // the first queries load the vector cache
                if (hits.Count == 0) throw new InvalidOperationException($"No hits for '{query}'.");
            }
            times.Sort();
            var cache = sp.GetRequiredService<BotIndexCache>();
            Console.WriteLine($"Retrieval, {chunks:N0} chunks in one bot (keywords, hashing vectors and MiniLM meaning): p50 {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms over {times.Count} queries (target p95 < 25 ms at 100k); mean keyword {parts.Average(p => p.K):F1} ms, cache check {parts.Average(p => p.C):F1} ms, question embedding + vector scans {parts.Average(p => p.V):F1} ms; index in memory {cache.Bytes / 1024.0 / 1024:F0} MB");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*")) File.Delete(f);
        }
    }

    /// <summary>
    /// Words drawn the way prose draws them (Zipf: a few very common, a long tail of rare ones), so keyword
    /// matches thin out as in real text; the support vocabulary above is the head, invented words the tail.
    /// </summary>
    private static string Word(Random r)
    {
        var rank = (int)Math.Min(TailSize - 1, Math.Floor(Math.Pow(TailSize, r.NextDouble())) - 1);
        return rank < Vocabulary.Length ? Vocabulary[rank] : Tail[rank];
    }

    /// <summary>A word a customer would search for: past the function words, before the rarest tail.</summary>
    public static string ContentWord(Random r)
    {
        var rank = (int)Math.Floor(Math.Exp(Math.Log(40) + r.NextDouble() * (Math.Log(3000) - Math.Log(40))));
        return rank < Vocabulary.Length ? Vocabulary[rank] : Tail[rank];
    }

    private const int TailSize = 30_000;
    private static readonly string[] Tail = Enumerable.Range(0, TailSize).Select(i => Syllables(i)).ToArray();

    private static string Syllables(int n)
    {
        string[] s = ["ka", "lo", "mi", "ra", "te", "vu", "no", "shi", "pa", "de", "go", "ri", "zu", "be", "fa", "ne"];
        var word = "";
        do { word += s[n % s.Length]; n /= s.Length; } while (n > 0);
        return word + "n";
    }

    /// <summary>A random unit vector standing in for a sentence-model reading: the scan costs the same whatever the values.</summary>
    private static byte[] RandomUnit(Random r)
    {
        var v = new float[BotIndex.MeaningDimensions];
        for (var i = 0; i < v.Length; i++) v[i] = (float)(r.NextDouble() - 0.5);
        System.Numerics.Tensors.TensorPrimitives.Divide(v, System.Numerics.Tensors.TensorPrimitives.Norm(v), v);
        return LocalSearchIndex.ToBytes(v);
    }

    /// <summary>
    /// A bot of N synthetic passages; with <paramref name="meaning"/>, every passage also has a sentence-model vector, as a
    /// fully read bot of the embedded default has (so a search also embeds the question with MiniLM and scans those).
    /// </summary>
    public static async Task<(Tenant, Guid)> SeedAsync(IServiceProvider sp, int chunks, string slug = "bench", bool meaning = false)
    {
        await using var scope = sp.CreateAsyncScope();
        var ctx = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = new Tenant { Name = "Bench", Slug = slug };
        ctx.Tenants.Add(tenant);
        await ctx.SaveChangesAsync();
        using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
        var bot = new Chatbot { Name = "Bench bot", CreatedAt = DateTimeOffset.UtcNow };
        ctx.Chatbots.Add(bot);
        await ctx.SaveChangesAsync();

        var embedder = new HashingEmbedder();
        var random = new Random(7);
        var sourceRow = new Parley.Features.Knowledge.Sources.Source { ChatbotId = bot.Id, Kind = Parley.Features.Knowledge.Sources.SourceKind.Text, Title = "Bench corpus", CreatedAt = DateTimeOffset.UtcNow };
        ctx.Sources.Add(sourceRow);
        await ctx.SaveChangesAsync();
        var source = sourceRow.Id;
        var sw = Stopwatch.StartNew();
        ctx.ChangeTracker.AutoDetectChangesEnabled = false;
        for (var i = 0; i < chunks; i++)
        {
            var text = string.Join(" ", Enumerable.Range(0, 60).Select(_ => Word(random))) + $" item {i}.";
            ctx.Chunks.Add(new Chunk { ChatbotId = bot.Id, SourceId = source, Index = i, Text = text, Tokens = 61, ContentHash = i.ToString(),
                Embedding = LocalSearchIndex.ToBytes(embedder.Embed(text)), Meaning = meaning ? RandomUnit(random) : null, CreatedAt = DateTimeOffset.UtcNow });
            if (i % 5000 == 4999) { await ctx.SaveChangesAsync(); ctx.ChangeTracker.Clear(); }
        }
        await ctx.SaveChangesAsync();
        Console.WriteLine($"  (seeded {chunks:N0} chunks with embeddings in {sw.Elapsed.TotalSeconds:F1} s)");
        return (tenant, bot.Id);
    }
}
