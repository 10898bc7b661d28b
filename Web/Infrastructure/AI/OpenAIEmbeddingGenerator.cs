using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics.Metrics;
using Azure.Identity;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace Parley.Infrastructure.AI;

/// <summary>
/// Embeddings from Azure OpenAI (v1 endpoint) or OpenAI through the OpenAI SDK: inputs sent in batches, 429s and
/// 5xx retried with backoff by the SDK's retry policy, token usage returned with the result and counted in the
/// "parley.ai.embedding.tokens" metric.
/// </summary>
public sealed class OpenAIEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly Meter Meter = new("Parley");
    private static readonly Counter<long> Tokens = Meter.CreateCounter<long>("parley.ai.embedding.tokens", "tokens", "Tokens billed for embeddings");
    private readonly EmbeddingClient client;
    private readonly AiOptions options;

    public OpenAIEmbeddingGenerator(AiOptions options)
    {
        this.options = options;
        client = OpenAIClients.Create(options).GetEmbeddingClient(options.EmbeddingModel);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? generation = null, CancellationToken ct = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        long tokens = 0;
        var request = options.EmbeddingDimensions > 0 ? new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = options.EmbeddingDimensions } : null;
        foreach (var batch in values.Select(v => v.Length == 0 ? " " : v).Chunk(Math.Clamp(options.EmbeddingBatchSize, 1, 2048)))
        {
            var response = await client.GenerateEmbeddingsAsync(batch, request, ct);
            var collection = response.Value;
            if (collection.Count != batch.Length)
                throw new InvalidOperationException($"The embedding service returned {collection.Count} vectors for {batch.Length} inputs.");
            foreach (var item in collection.OrderBy(e => e.Index))
                result.Add(new Embedding<float>(item.ToFloats()) { ModelId = collection.Model, CreatedAt = DateTimeOffset.UtcNow });
            tokens += collection.Usage?.InputTokenCount ?? 0;
        }
        Tokens.Add(tokens, new KeyValuePair<string, object?>("model", options.EmbeddingModel));
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
