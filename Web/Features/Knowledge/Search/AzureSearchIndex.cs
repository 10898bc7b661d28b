using Azure;
using Azure.Identity;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using Azure.Search.Documents.Indexes.Models;
using Azure.Search.Documents.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Knowledge.Search;

public enum SearchProvider { Local, AzureAISearch }

public class SearchOptions
{
    public const string Section = "Parley:Search";
    public SearchProvider Provider { get; set; } = SearchProvider.Local;
    /// <summary>https://{service}.search.windows.net</summary>
    public string? Endpoint { get; set; }
    /// <summary>Admin key; leave empty in Azure to sign in with the managed identity.</summary>
    public string? ApiKey { get; set; }
    public string IndexName { get; set; } = "parley-chunks";
    /// <summary>Must match the embedder's vector size (Parley:AI:EmbeddingDimensions, or 256 for the embedded default).</summary>
    public int Dimensions { get; set; } = 512;
    /// <summary>The embedded index keeps bots' vectors in memory up to this size, least recently used dropped first.</summary>
    public int VectorCacheMegabytes { get; set; } = 512;
    /// <summary>The keyword ranking's weight in the embedded index's fusion.</summary>
    public double KeywordWeight { get; set; } = 1.0;
    /// <summary>The vector ranking's weight; unset: 0.4 with the hashing embedder (keywords first), 1.0 with a real embedding model.</summary>
    public double? VectorWeight { get; set; }
    /// <summary>With the embedded default embedder, passages are also read by the local sentence model in the background and ranked by meaning.</summary>
    public bool MeaningVectors { get; set; } = true;
    /// <summary>The meaning ranking's weight in the fusion, once a bot's passages have been read.</summary>
    public double MeaningWeight { get; set; } = 1.0;
}

/// <summary>
/// Azure AI Search as the index: one index for all tenants with key, tenant, bot and source fields (filterable),
/// searchable text and headings, and an HNSW vector field; queries are hybrid (keyword + vector, fused by the
/// service's reciprocal rank fusion) and always filtered by tenant and bot. Passages are pushed per source when its
/// run finishes; hits are checked against the app database so a passage deleted here never comes back from there.
/// </summary>
public sealed class AzureSearchIndex : ISearchIndex
{
    private readonly SearchIndexClient indexes;
    private readonly SearchClient client;
    private readonly SearchOptions options;
    private readonly AppDbContext db;
    private readonly ITenantContext tenant;
    private readonly IEmbeddingGenerator<string, Embedding<float>> embedder;
    private static readonly SemaphoreSlim EnsureLock = new(1, 1);
    private static volatile string? ensured;


    public AzureSearchIndex(IOptions<SearchOptions> o, AppDbContext db, ITenantContext tenant, IEmbeddingGenerator<string, Embedding<float>> embedder, AzureSearchClients clients)
    {
        options = o.Value;
        this.db = db;
        this.tenant = tenant;
        this.embedder = embedder;
        (indexes, client) = (clients.Indexes, clients.Search);
    }

    /// <summary>The index definition Parley needs; created or updated once per process.</summary>
    public static SearchIndex Definition(SearchOptions o) => new(o.IndexName)
    {
        Fields =
        {
            new SimpleField("id", SearchFieldDataType.String) { IsKey = true },
            new SimpleField("tenantId", SearchFieldDataType.String) { IsFilterable = true },
            new SimpleField("botId", SearchFieldDataType.String) { IsFilterable = true },
            new SimpleField("sourceId", SearchFieldDataType.String) { IsFilterable = true },
            new SearchableField("text") { AnalyzerName = LexicalAnalyzerName.StandardLucene },
            new SearchableField("headings"),
            new SimpleField("page", SearchFieldDataType.Int32),
            new SimpleField("url", SearchFieldDataType.String),
            new VectorSearchField("vector", o.Dimensions, "parley-vectors"),
        },
        VectorSearch = new VectorSearch
        {
            Algorithms = { new HnswAlgorithmConfiguration("parley-hnsw") },
            Profiles = { new VectorSearchProfile("parley-vectors", "parley-hnsw") },
        },
    };

    private async Task EnsureIndexAsync(CancellationToken ct)
    {
        if (ensured == options.IndexName) return;
        await EnsureLock.WaitAsync(ct);
        try
        {
            if (ensured == options.IndexName) return;
            await indexes.CreateOrUpdateIndexAsync(Definition(options), cancellationToken: ct);
            ensured = options.IndexName;
        }
        finally { EnsureLock.Release(); }
    }

    private Guid TenantId => tenant.TenantId ?? throw new TenantMismatchException("Search needs a tenant.");

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(Guid chatbotId, string query, int top, CancellationToken ct)
    {
        await EnsureIndexAsync(ct);
        var vector = (await embedder.GenerateAsync([query], cancellationToken: ct))[0].Vector;
        var search = new Azure.Search.Documents.SearchOptions
        {
            Filter = $"tenantId eq '{TenantId}' and botId eq '{chatbotId}'",
            Size = top,
            Select = { "id", "sourceId" },
            VectorSearch = new VectorSearchOptions { Queries = { new VectorizedQuery(vector) { KNearestNeighborsCount = 50, Fields = { "vector" } } } },
        };
        var response = await client.SearchAsync<SearchDocument>(query, search, ct);
        var ranked = new List<(long Id, double Score)>();
        await foreach (var result in response.Value.GetResultsAsync().WithCancellation(ct))
            if (long.TryParse(result.Document["id"]?.ToString(), out var id)) ranked.Add((id, result.Score ?? 0));
        var ids = ranked.Select(r => r.Id).ToList();
        var rows = await db.Chunks.AsNoTracking().Where(c => ids.Contains(c.Id) && c.ChatbotId == chatbotId).ToDictionaryAsync(c => c.Id, ct);
        return ranked.Where(r => rows.ContainsKey(r.Id)).Select(r =>
        {
            var c = rows[r.Id];
            return new SearchHit(c.Id, c.Text, c.Page, c.Headings, c.Url, c.SourceId, r.Score, null, null);
        }).ToList();
    }

    public async Task SyncSourceAsync(Guid sourceId, IReadOnlyList<Chunk> chunks, CancellationToken ct)
    {
        await EnsureIndexAsync(ct);
        var current = chunks.Select(c => c.Id.ToString()).ToHashSet();
        var stale = (await KeysAsync($"tenantId eq '{TenantId}' and sourceId eq '{sourceId}'", ct)).Where(k => !current.Contains(k)).ToList();
        foreach (var batch in chunks.Chunk(500))
        {
            var docs = batch.Select(c => new SearchDocument
            {
                ["id"] = c.Id.ToString(), ["tenantId"] = c.TenantId.ToString(), ["botId"] = c.ChatbotId.ToString(), ["sourceId"] = c.SourceId.ToString(),
                ["text"] = c.Text, ["headings"] = c.Headings, ["page"] = c.Page, ["url"] = c.Url, ["vector"] = LocalSearchIndex.ToFloats(c.Embedding),
            });
            await IndexAsync(IndexDocumentsBatch.MergeOrUpload(docs), ct);
        }
        await DeleteAsync(stale, ct);
    }

    public async Task RemoveSourceAsync(Guid sourceId, CancellationToken ct) => await RemoveWhereAsync($"tenantId eq '{TenantId}' and sourceId eq '{sourceId}'", ct);
    public async Task RemoveBotAsync(Guid chatbotId, CancellationToken ct) => await RemoveWhereAsync($"tenantId eq '{TenantId}' and botId eq '{chatbotId}'", ct);
    public async Task RemoveTenantAsync(Guid tenantId, CancellationToken ct) => await RemoveWhereAsync($"tenantId eq '{tenantId}'", ct);

    private async Task RemoveWhereAsync(string filter, CancellationToken ct)
    {
        await EnsureIndexAsync(ct);
        await DeleteAsync(await KeysAsync(filter, ct), ct);
    }

    private async Task<List<string>> KeysAsync(string filter, CancellationToken ct)
    {
        var keys = new List<string>();
        for (var skip = 0; ; skip += 1000)
        {
            var page = await client.SearchAsync<SearchDocument>("*", new Azure.Search.Documents.SearchOptions { Filter = filter, Select = { "id" }, Size = 1000, Skip = skip }, ct);
            var before = keys.Count;
            await foreach (var r in page.Value.GetResultsAsync().WithCancellation(ct)) keys.Add(r.Document["id"]!.ToString()!);
            if (keys.Count - before < 1000 || skip >= 100_000) return keys; // $skip is capped at 100,000 by the service
        }
    }

    private async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        foreach (var batch in keys.Chunk(1000))
            await IndexAsync(IndexDocumentsBatch.Delete("id", batch), ct);
    }

    private async Task IndexAsync(IndexDocumentsBatch<SearchDocument> batch, CancellationToken ct)
    {
        var result = await client.IndexDocumentsAsync(batch, new IndexDocumentsOptions { ThrowOnAnyError = false }, ct);
        var failed = result.Value.Results.Where(r => !r.Succeeded).ToList();
        if (failed.Count > 0)
            throw new RequestFailedException($"Azure AI Search refused {failed.Count} of {batch.Actions.Count} documents: {failed[0].ErrorMessage}");
    }
}

/// <summary>
/// The Azure AI Search clients and their credential, made once for the app's life (a credential caches its tokens;
/// one made per request would fetch a new one each time). The SDK pipeline retries with exponential backoff.
/// </summary>
public sealed class AzureSearchClients
{
    public SearchIndexClient Indexes { get; }
    public SearchClient Search { get; }

    public AzureSearchClients(IOptions<SearchOptions> o, IServiceProvider services)
    {
        var options = o.Value;
        var endpoint = new Uri(options.Endpoint ?? throw new InvalidOperationException("Parley:Search:Endpoint is required for Azure AI Search."));
        var clientOptions = new SearchClientOptions { Transport = Infrastructure.Outbound.ResilientClients.AzureTransport(services, Infrastructure.Outbound.ResilientClients.AzureSearch) };
        clientOptions.Retry.MaxRetries = 0; // the resilient HttpClient retries
        Indexes = string.IsNullOrEmpty(options.ApiKey)
            ? new SearchIndexClient(endpoint, new DefaultAzureCredential(), clientOptions)
            : new SearchIndexClient(endpoint, new AzureKeyCredential(options.ApiKey), clientOptions);
        Search = Indexes.GetSearchClient(options.IndexName);
    }
}
