using System.Collections.Concurrent;
using System.Data.Common;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.AI;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Knowledge.Search;

public sealed record SearchHit(long ChunkId, string Text, int? Page, string Headings, string? Url, Guid SourceId, double Score, int? KeywordRank, int? VectorRank)
{
    /// <summary>The page's title for a crawled page, else the source's title (null when the index does not know it).</summary>
    public string? Title { get; init; }
    /// <summary>How much of the question the passage holds by keywords (idf-weighted share of its terms, 0 to 1; null when unknown).</summary>
    public double? Coverage { get; init; }

    /// <summary>How close in meaning the passage is to the question (sentence-model cosine), when the bot's passages have been read.</summary>
    public double? Similarity { get; init; }

    /// <summary>Below this share of the question's (weighted) words, the best passage does not answer it well...</summary>
    public const double WellMatched = 0.5;
    /// <summary>...unless it is at least this close in meaning ("deliver to other countries" and "we ship abroad").</summary>
    public const double WellMatchedMeaning = 0.55;

    /// <summary>False when passages were found but none holds most of the question or is close to it in meaning (unknown coverage counts as matched).</summary>
    public static bool AnyWellMatched(IReadOnlyList<SearchHit> hits) =>
        hits.Count > 0 && hits.Any(h => h.Coverage is null || h.Coverage >= WellMatched || h.Similarity >= WellMatchedMeaning);
}

/// <summary>
/// Where a bot's passages are searched. The app database always holds the passages; an external index (Azure AI
/// Search) gets a copy of each source's passages when its run finishes, and loses them when the source or bot goes.
/// </summary>
public interface ISearchIndex
{
    Task<IReadOnlyList<SearchHit>> SearchAsync(Guid chatbotId, string query, int top, CancellationToken ct);
    /// <summary>Makes the index hold exactly these passages for the source (all of them, as now in the database).</summary>
    Task SyncSourceAsync(Guid sourceId, IReadOnlyList<Chunk> chunks, CancellationToken ct);
    Task RemoveSourceAsync(Guid sourceId, CancellationToken ct);
    Task RemoveBotAsync(Guid chatbotId, CancellationToken ct);
    Task RemoveTenantAsync(Guid tenantId, CancellationToken ct);
}

/// <summary>
/// The embedded hybrid index: BM25 over each bot's own passages (<see cref="KeywordIndex"/>, stemmed, title and
/// headings weighted, identifiers whole) and cosine similarity over the bot's vectors scanned with TensorPrimitives,
/// both held in memory per bot (<see cref="BotIndexCache"/>) and reloaded when the bot's knowledge changes; the two
/// rankings fused by weighted reciprocal rank fusion. Every query is filtered by tenant and bot.
/// </summary>
public sealed class LocalSearchIndex(AppDbContext db, ITenantContext tenant, IEmbeddingGenerator<string, Embedding<float>> embedder, BotIndexCache cache, IOptions<SearchOptions> options,
    Embedding.SentenceModel sentences) : ISearchIndex
{
    // The database is the index: passages are searchable once committed and gone once deleted.
    public Task SyncSourceAsync(Guid sourceId, IReadOnlyList<Chunk> chunks, CancellationToken ct) => Task.CompletedTask;
    public Task RemoveSourceAsync(Guid sourceId, CancellationToken ct) => Task.CompletedTask;
    public Task RemoveBotAsync(Guid chatbotId, CancellationToken ct) => Task.CompletedTask;
    public Task RemoveTenantAsync(Guid tenantId, CancellationToken ct) => Task.CompletedTask;

    public const int RrfK = 60;

    /// <summary>Where the last search spent its time (keyword, cache check, vector scan), for the bench command.</summary>
    public (double KeywordMs, double CacheMs, double VectorMs) LastTimings { get; private set; }
    private const int Candidates = 50;
    /// <summary>How many of the bot's passages the sentence model had read at the last search, of how many.</summary>
    public (int Read, int Total) LastMeaning { get; private set; }

    /// <summary>
    /// The weights of the two rankings in the fusion: keywords first with the hashing embedder (its vectors find the right
    /// page first for about a third of questions, keywords for about half), equal with a real embedding model; either
    /// can be set (Parley:Search:KeywordWeight, VectorWeight).
    /// </summary>
    public (double Keyword, double Vector) Weights => FusionWeights(options.Value, embedder);
    public double MeaningWeight => options.Value.MeaningWeight;

    public static (double Keyword, double Vector) FusionWeights(SearchOptions o, IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        (o.KeywordWeight, o.VectorWeight ?? (embedder is Embedding.HashingEmbedder ? 0.4 : 1.0));

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(Guid chatbotId, string query, int top, CancellationToken ct)
    {
        var tenantId = tenant.TenantId ?? throw new TenantMismatchException("Search needs a tenant.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bot = await cache.GetAsync(db, tenantId, chatbotId, ct);
        var cacheMs = clock.Elapsed.TotalMilliseconds;
        var keyword = bot.Keywords.Search(KeywordText.QueryTerms(query), Candidates);
        var keywordMs = clock.Elapsed.TotalMilliseconds - cacheMs;
        var queryVector = (await embedder.GenerateAsync([query], cancellationToken: ct))[0].Vector.ToArray();
        var semantic = bot.Nearest(queryVector, Candidates);
        // Once the sentence model has read every passage (in the background after training), they are ranked by meaning
        // too; not before, or the passages read first would be favoured over the rest.
        var queryMeaning = bot.MeaningCount > 0 && bot.MeaningCount == bot.Ids.Length ? sentences.Embed([query], ct)[0] : null;
        var meaning = queryMeaning is null ? [] : bot.NearestMeaning(queryMeaning, Candidates);
        LastMeaning = (bot.MeaningCount, bot.Ids.Length);
        LastTimings = (keywordMs, cacheMs, clock.Elapsed.TotalMilliseconds - keywordMs - cacheMs);

        var (wk, wv) = Weights;
        var wm = options.Value.MeaningWeight;
        var scores = new Dictionary<int, (double Score, int? K, int? V, double Coverage)>();
        for (var i = 0; i < keyword.Count; i++) scores[keyword[i].Doc] = (wk / (RrfK + i + 1), i + 1, null, keyword[i].Coverage);
        for (var i = 0; i < semantic.Count; i++)
        {
            var doc = semantic[i];
            var (s, k, _, c) = scores.GetValueOrDefault(doc);
            scores[doc] = (s + wv / (RrfK + i + 1), k, i + 1, c);
        }
        // The vector rank shown is the better of the two readings.
        for (var i = 0; i < meaning.Count; i++)
        {
            var doc = meaning[i];
            var (s, k, v, c) = scores.GetValueOrDefault(doc);
            scores[doc] = (s + wm / (RrfK + i + 1), k, v is { } r && r <= i + 1 ? r : i + 1, c);
        }
        var best = scores.OrderByDescending(x => x.Value.Score).ThenBy(x => x.Value.K ?? int.MaxValue).ThenBy(x => x.Value.V ?? int.MaxValue).Take(top).ToList();
        var ids = best.Select(b => bot.Ids[b.Key]).ToList();
        var rows = await db.Chunks.AsNoTracking().Where(c => ids.Contains(c.Id) && c.ChatbotId == chatbotId).ToDictionaryAsync(c => c.Id, ct);
        return best.Where(b => rows.ContainsKey(bot.Ids[b.Key])).Select(b =>
        {
            var c = rows[bot.Ids[b.Key]];
            return new SearchHit(c.Id, c.Text, c.Page, c.Headings, c.Url, c.SourceId, b.Value.Score, b.Value.K, b.Value.V)
            {
                Title = bot.Titles[b.Key], Coverage = b.Value.Coverage, Similarity = queryMeaning is null ? null : bot.MeaningSimilarity(queryMeaning, b.Key),
            };
        }).ToList();
    }

    public static byte[] ToBytes(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();
    public static float[] ToFloats(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}

/// <summary>
/// Each bot's search index in memory (vectors and keyword index), reloaded when the bot's KnowledgeVersion moves (so every instance serves what the
/// database holds). Loads are single-flight (concurrent searches of a bot wait for one load) and the whole cache is
/// bounded: past <see cref="MaxBytes"/> the least recently used bots are dropped and reloaded when asked for again.
/// </summary>
public sealed class BotIndexCache(long maxBytes = BotIndexCache.DefaultMaxBytes)
{
    public const long DefaultMaxBytes = 512L * 1024 * 1024;
    private readonly ConcurrentDictionary<Guid, Entry> bots = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> loading = new();
    private long bytes;

    public long MaxBytes => maxBytes;
    /// <summary>What the cached indexes take now (ids, floats, keyword postings), for tests and the bench.</summary>
    public long Bytes => Interlocked.Read(ref bytes);
    /// <summary>How many times bots were read from the database, for tests.</summary>
    public int Loads => loads;
    private int loads;

    private sealed class Entry(BotIndex vectors)
    {
        public BotIndex Vectors { get; } = vectors;
        public long LastUsed = Environment.TickCount64;
        public long Size => (Vectors.Data.LongLength + Vectors.Meaning.LongLength) * sizeof(float) + Vectors.Ids.LongLength * sizeof(long) + Vectors.MeaningOf.LongLength * sizeof(int) + Vectors.Keywords.Bytes;
    }

    public async Task<BotIndex> GetAsync(AppDbContext db, Guid tenantId, Guid chatbotId, CancellationToken ct)
    {
        var key = await db.Chatbots.Where(b => b.Id == chatbotId).Select(b => b.KnowledgeVersion).FirstOrDefaultAsync(ct);
        if (Fresh(chatbotId, tenantId, key) is { } hit) return hit;
        var gate = loading.GetOrAdd(chatbotId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (Fresh(chatbotId, tenantId, key) is { } loaded) return loaded; // another search loaded it meanwhile
            var fresh = await LoadAsync(db, tenantId, chatbotId, key, ct);
            Store(chatbotId, new Entry(fresh));
            return fresh;
        }
        finally { gate.Release(); }
    }

    private BotIndex? Fresh(Guid chatbotId, Guid tenantId, long key)
    {
        if (!bots.TryGetValue(chatbotId, out var cached) || cached.Vectors.TenantId != tenantId || cached.Vectors.Stamp != key) return null;
        cached.LastUsed = Environment.TickCount64;
        return cached.Vectors;
    }

    private void Store(Guid chatbotId, Entry entry)
    {
        if (bots.TryRemove(chatbotId, out var old)) Interlocked.Add(ref bytes, -old.Size);
        bots[chatbotId] = entry;
        Interlocked.Add(ref bytes, entry.Size);
        // Over the bound: drop the least recently used bots (never the one just loaded).
        foreach (var (id, victim) in bots.Where(b => b.Key != chatbotId).OrderBy(b => b.Value.LastUsed).ToList())
        {
            if (Bytes <= maxBytes) break;
            if (bots.TryRemove(new KeyValuePair<Guid, Entry>(id, victim))) Interlocked.Add(ref bytes, -victim.Size);
        }
    }

    private async Task<BotIndex> LoadAsync(AppDbContext db, Guid tenantId, Guid chatbotId, long key, CancellationToken ct)
    {
        Interlocked.Increment(ref loads);
        // Titles: a crawled page's own title, else its source's title.
        var sources = await db.Sources.AsNoTracking().Where(s => s.ChatbotId == chatbotId).Select(s => new { s.Id, s.Title }).ToDictionaryAsync(s => s.Id, s => s.Title, ct);
        var sourceIds = sources.Keys.ToList();
        var pages = new Dictionary<(Guid, string), string>();
        foreach (var p in await db.SourcePages.AsNoTracking().Where(p => sourceIds.Contains(p.SourceId) && p.Title != "").Select(p => new { p.SourceId, p.Url, p.Title }).ToListAsync(ct))
            pages[(p.SourceId, p.Url)] = p.Title;
        var ids = new List<long>();
        var titles = new List<string>();
        var data = new List<float>();
        var dims = 0;
        var keywords = new KeywordIndex.Builder();
        var meaning = new List<float>();
        var meaningOf = new List<int>();
        // Streamed, so a large bot's texts are never all held at once.
        await foreach (var row in db.Chunks.AsNoTracking().Where(c => c.ChatbotId == chatbotId).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Embedding, c.Text, c.Headings, c.Url, c.SourceId, c.Meaning }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (ids.Count == 0) dims = row.Embedding.Length / sizeof(float);
            if (row.Embedding.Length != dims * sizeof(float)) continue; // a passage from an older embedder: not comparable
            ids.Add(row.Id);
            data.AddRange(MemoryMarshal.Cast<byte, float>(row.Embedding));
            if (row.Meaning is { Length: BotIndex.MeaningDimensions * sizeof(float) } m)
            {
                meaning.AddRange(MemoryMarshal.Cast<byte, float>(m));
                meaningOf.Add(ids.Count - 1);
            }
            var title = row.Url is not null && pages.TryGetValue((row.SourceId, row.Url), out var t) ? t : sources.GetValueOrDefault(row.SourceId) ?? "";
            titles.Add(title);
            keywords.Add(title, row.Headings, row.Text);
        }
        return new BotIndex(tenantId, key, ids.ToArray(), data.ToArray(), dims, keywords.Build(), titles.ToArray()) { Meaning = meaning.ToArray(), MeaningOf = meaningOf.ToArray() };
    }
}

/// <summary>A bot's passages in memory: ids, vectors, keyword index and titles, all by the same position; and the meaning vectors of those the sentence model has read.</summary>
public sealed record BotIndex(Guid TenantId, long Stamp, long[] Ids, float[] Data, int Dimensions, KeywordIndex Keywords, string[] Titles)
{
    public const int MeaningDimensions = 384;
    /// <summary>Sentence-model vectors, <see cref="MeaningDimensions"/> floats each, of the passages at <see cref="MeaningOf"/>.</summary>
    public float[] Meaning { get; init; } = [];
    public int[] MeaningOf { get; init; } = [];
    public int MeaningCount => MeaningOf.Length;

    /// <summary>The sentence-model cosine of the passage at <paramref name="position"/>, once every passage is read (null before).</summary>
    public double? MeaningSimilarity(float[] query, int position) =>
        MeaningCount == Ids.Length && MeaningOf[position] == position ? TensorPrimitives.Dot(query, Meaning.AsSpan(position * MeaningDimensions, MeaningDimensions)) : null;

    /// <summary>The positions of the <paramref name="k"/> passages closest in meaning (sentence-model vectors, unit length).</summary>
    public List<int> NearestMeaning(float[] query, int k) =>
        MeaningCount == 0 || query.Length != MeaningDimensions ? [] : Closest(Meaning, MeaningDimensions, query, k, float.MinValue).Select(i => MeaningOf[i]).ToList();

    /// <summary>Below this cosine a passage shares too little with the query to be offered at all.</summary>
    public const float MinSimilarity = 0.05f;

    /// <summary>The positions of the <paramref name="k"/> most similar vectors (vectors are unit length, so dot = cosine).</summary>
    public List<int> Nearest(float[] query, int k) =>
        Ids.Length == 0 || query.Length != Dimensions ? [] : Closest(Data, Dimensions, query, k, MinSimilarity);

    /// <summary>The indexes of the <paramref name="k"/> rows of <paramref name="data"/> with the largest dot product with the query (at least <paramref name="min"/>), best first.</summary>
    private static List<int> Closest(float[] data, int dims, float[] query, int k, float min)
    {
        var best = new PriorityQueue<int, float>(k + 1);
        for (var i = 0; i < data.Length / dims; i++)
        {
            var score = TensorPrimitives.Dot(query, data.AsSpan(i * dims, dims));
            if (score < min) continue;
            if (best.Count < k) best.Enqueue(i, score);
            else if (best.TryPeek(out _, out var worst) && score > worst) best.EnqueueDequeue(i, score);
        }
        var result = new List<(int Index, float Score)>(best.Count);
        while (best.TryDequeue(out var index, out var s)) result.Add((index, s));
        return result.OrderByDescending(r => r.Score).Select(r => r.Index).ToList();
    }
}
