using System.Collections.Concurrent;
using System.Data.Common;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.AI;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Knowledge.Search;

public sealed record SearchHit(long ChunkId, string Text, int? Page, string Headings, string? Url, Guid SourceId, double Score, int? KeywordRank, int? VectorRank);

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
/// The embedded hybrid index: BM25 from SQLite FTS5 or PostgreSQL full-text, cosine similarity over the bot's
/// vectors held in memory and scanned with TensorPrimitives, the two rankings fused by reciprocal rank fusion.
/// Every query is filtered by tenant and bot.
/// </summary>
public sealed class LocalSearchIndex(AppDbContext db, ITenantContext tenant, IEmbeddingGenerator<string, Embedding<float>> embedder, VectorCache cache) : ISearchIndex
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

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(Guid chatbotId, string query, int top, CancellationToken ct)
    {
        var tenantId = tenant.TenantId ?? throw new TenantMismatchException("Search needs a tenant.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var vectors = await cache.GetAsync(db, tenantId, chatbotId, ct);
        var cacheMs = clock.Elapsed.TotalMilliseconds;
        var keyword = await KeywordAsync(tenantId, chatbotId, RankingTerms(Terms(query), vectors), ct);
        var keywordMs = clock.Elapsed.TotalMilliseconds - cacheMs;
        var queryVector = (await embedder.GenerateAsync([query], cancellationToken: ct))[0].Vector.ToArray();
        var semantic = vectors.Nearest(queryVector, Candidates);
        LastTimings = (keywordMs, cacheMs, clock.Elapsed.TotalMilliseconds - keywordMs - cacheMs);

        var scores = new Dictionary<long, (double Score, int? K, int? V)>();
        for (var i = 0; i < keyword.Count; i++) scores[keyword[i]] = (1.0 / (RrfK + i + 1), i + 1, null);
        for (var i = 0; i < semantic.Count; i++)
        {
            var id = semantic[i];
            var (s, k, _) = scores.GetValueOrDefault(id);
            scores[id] = (s + 1.0 / (RrfK + i + 1), k, i + 1);
        }
        // Ties (one list's #1 against the other's #1) go to meaning: keyword ranks are coarse on short texts.
        var best = scores.OrderByDescending(x => x.Value.Score).ThenBy(x => x.Value.V ?? int.MaxValue).Take(top).ToList();
        var ids = best.Select(b => b.Key).ToList();
        var rows = await db.Chunks.AsNoTracking().Where(c => ids.Contains(c.Id) && c.ChatbotId == chatbotId).ToDictionaryAsync(c => c.Id, ct);
        return best.Where(b => rows.ContainsKey(b.Key)).Select(b =>
        {
            var c = rows[b.Key];
            return new SearchHit(c.Id, c.Text, c.Page, c.Headings, c.Url, c.SourceId, b.Value.Score, b.Value.K, b.Value.V);
        }).ToList();
    }

    /// <summary>Share of a bot's passages above which a word no longer tells passages apart.</summary>
    public const double CommonWordShare = 0.2;
    private const int MaxRankingTerms = 6;

    /// <summary>
    /// The query words worth ranking by: words the bot's passages never hold are dropped (unless long enough to match
    /// as a prefix), words in more than a fifth of them are dropped while a rarer word remains (BM25 gives them next to
    /// no weight, yet ranking every passage that holds them is most of the cost), and at most the six rarest are kept.
    /// </summary>
    public static List<string> RankingTerms(List<string> terms, BotVectors bot)
    {
        if (bot.Ids.Length == 0) return terms;
        var counted = terms.Select(t => (Term: t, Df: bot.DocumentFrequency.GetValueOrDefault(t))).Where(x => x.Df > 0 || x.Term.Length >= 5).ToList();
        var limit = Math.Max(1, (int)(bot.Ids.Length * CommonWordShare));
        var distinctive = counted.Where(x => x.Df <= limit).ToList();
        if (distinctive.Count == 0) distinctive = counted.OrderBy(x => x.Df).Take(1).ToList();
        return distinctive.OrderBy(x => x.Df).Take(MaxRankingTerms).Select(x => x.Term).ToList();
    }

    private async Task<List<long>> KeywordAsync(Guid tenantId, Guid chatbotId, List<string> terms, CancellationToken ct)
    {
        if (terms.Count == 0) return [];
        var sqlite = db.Database.IsSqlite();
        var sql = sqlite
            ? """SELECT rowid FROM "ChunksFts" WHERE "ChunksFts" MATCH @q ORDER BY rank LIMIT 50"""
            : """SELECT "Id" FROM "Chunks" WHERE "SearchVector" @@ to_tsquery('simple', @q) AND "ChatbotId" = @bot AND "TenantId" = @tenant ORDER BY ts_rank_cd("SearchVector", to_tsquery('simple', @q)) DESC LIMIT 50""";
        // Words of five letters or more match as prefixes ("refund" finds "refunds"), a cheap stand-in for stemming.
        // SQLite: the bot is a token of the Bot column, so the MATCH itself filters by bot; tenant rows are re-checked
        // by the tenant query filter when the passages are loaded.
        string Match(string op) => sqlite
            ? $"Bot : b{chatbotId:N} AND Text : ({string.Join($" {op} ", terms.Select(t => t.Length >= 5 ? $"\"{t}\"*" : $"\"{t}\""))})"
            : string.Join(op == "AND" ? " & " : " | ", terms.Select(t => t.Length >= 5 ? t + ":*" : t));
        // Passages holding every word first: few, cheap to find and the most relevant. Only when they are too few to
        // rank from is the wider any-word query run, which ranks every passage holding any of the words.
        if (terms.Count > 1)
        {
            var all = await RunAsync(sql, Match("AND"), sqlite, chatbotId, tenantId, ct);
            if (all.Count >= EnoughAllWordMatches) return all;
        }
        return await RunAsync(sql, Match("OR"), sqlite, chatbotId, tenantId, ct);
    }

    /// <summary>Passages matching every query word that make the any-word query unnecessary.</summary>
    private const int EnoughAllWordMatches = 8;

    private async Task<List<long>> RunAsync(string sql, string match, bool sqlite, Guid chatbotId, Guid tenantId, CancellationToken ct)
    {
        var conn = db.Database.GetDbConnection();
        var opened = conn.State != System.Data.ConnectionState.Open;
        if (opened) await conn.OpenAsync(ct);
        try
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            Add(cmd, "@q", match);
            if (!sqlite)
            {
                Add(cmd, "@bot", chatbotId);
                Add(cmd, "@tenant", tenantId);
            }
            var ids = new List<long>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
            return ids;
        }
        finally
        {
            if (opened) await conn.CloseAsync();
        }
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    /// <summary>Words too common to rank by; left in they match nearly every passage and only cost time.</summary>
    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has",
        "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "please",
        "should", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "us", "was",
        "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    ];

    /// <summary>Every word of a text as the keyword index sees it (lowercased letters and digits).</summary>
    public static IEnumerable<string> Words(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
        }
        if (sb.Length > 0) yield return sb.ToString();
    }

    /// <summary>Query words, lowercased, letters and digits only, so no query syntax reaches FTS5 or tsquery.</summary>
    public static List<string> Terms(string query)
    {
        var terms = new List<string>();
        var sb = new StringBuilder();
        foreach (var c in query.Normalize(NormalizationForm.FormKC).Append(' '))
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0)
            {
                var word = sb.ToString();
                if ((word.Length > 1 || char.IsDigit(word[0])) && !StopWords.Contains(word)) terms.Add(word);
                sb.Clear();
            }
        }
        return terms.Distinct().Take(32).ToList();
    }

    public static byte[] ToBytes(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();
    public static float[] ToFloats(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}

/// <summary>
/// Each bot's vectors in memory, reloaded when the bot's KnowledgeVersion moves (so every instance serves what the
/// database holds). Loads are single-flight (concurrent searches of a bot wait for one load) and the whole cache is
/// bounded: past <see cref="MaxBytes"/> the least recently used bots are dropped and reloaded when asked for again.
/// </summary>
public sealed class VectorCache(long maxBytes = VectorCache.DefaultMaxBytes)
{
    public const long DefaultMaxBytes = 512L * 1024 * 1024;
    private readonly ConcurrentDictionary<Guid, Entry> bots = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> loading = new();
    private long bytes;

    public long MaxBytes => maxBytes;
    /// <summary>What the cached vectors take now (ids and floats), for tests and the bench.</summary>
    public long Bytes => Interlocked.Read(ref bytes);
    /// <summary>How many times bots were read from the database, for tests.</summary>
    public int Loads => loads;
    private int loads;

    private sealed class Entry(BotVectors vectors)
    {
        public BotVectors Vectors { get; } = vectors;
        public long LastUsed = Environment.TickCount64;
        public long Size => Vectors.Data.LongLength * sizeof(float) + Vectors.Ids.LongLength * sizeof(long);
    }

    public async Task<BotVectors> GetAsync(AppDbContext db, Guid tenantId, Guid chatbotId, CancellationToken ct)
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

    private BotVectors? Fresh(Guid chatbotId, Guid tenantId, long key)
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

    private async Task<BotVectors> LoadAsync(AppDbContext db, Guid tenantId, Guid chatbotId, long key, CancellationToken ct)
    {
        Interlocked.Increment(ref loads);
        var rows = await db.Chunks.AsNoTracking().Where(c => c.ChatbotId == chatbotId).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Embedding, c.Text }).ToListAsync(ct);
        var dims = rows.Count == 0 ? 0 : rows[0].Embedding.Length / sizeof(float);
        var data = new float[rows.Count * dims];
        var ids = new long[rows.Count];
        var frequencies = new Dictionary<string, int>();
        var seen = new HashSet<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            ids[i] = rows[i].Id;
            MemoryMarshal.Cast<byte, float>(rows[i].Embedding).CopyTo(data.AsSpan(i * dims, dims));
            seen.Clear();
            foreach (var word in LocalSearchIndex.Words(rows[i].Text))
                if (seen.Add(word)) frequencies[word] = frequencies.GetValueOrDefault(word) + 1;
        }
        return new BotVectors(tenantId, key, ids, data, dims, frequencies);
    }
}

/// <summary>A bot's vectors in memory, and how many of its passages hold each word (to leave near-universal words out of keyword ranking).</summary>
public sealed record BotVectors(Guid TenantId, long Stamp, long[] Ids, float[] Data, int Dimensions, IReadOnlyDictionary<string, int> DocumentFrequency)
{
    /// <summary>Below this cosine a passage shares too little with the query to be offered at all.</summary>
    public const float MinSimilarity = 0.05f;

    /// <summary>The ids of the <paramref name="k"/> most similar vectors (vectors are unit length, so dot = cosine).</summary>
    public List<long> Nearest(float[] query, int k)
    {
        if (Ids.Length == 0 || query.Length != Dimensions) return [];
        var best = new PriorityQueue<long, float>(k + 1);
        for (var i = 0; i < Ids.Length; i++)
        {
            var score = TensorPrimitives.Dot(query, Data.AsSpan(i * Dimensions, Dimensions));
            if (score < MinSimilarity) continue;
            if (best.Count < k) best.Enqueue(Ids[i], score);
            else if (best.TryPeek(out _, out var worst) && score > worst) best.EnqueueDequeue(Ids[i], score);
        }
        var result = new List<(long Id, float Score)>(best.Count);
        while (best.TryDequeue(out var id, out var s)) result.Add((id, s));
        return result.OrderByDescending(r => r.Score).Select(r => r.Id).ToList();
    }
}
