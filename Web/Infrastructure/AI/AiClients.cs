using Microsoft.Extensions.AI;

namespace Parley.Infrastructure.AI;

/// <summary>
/// Chat and embeddings from Azure OpenAI's v1 endpoint (or OpenAI) through Microsoft.Extensions.AI.OpenAI: the OpenAI
/// SDK's clients as IChatClient / IEmbeddingGenerator, with OpenTelemetry (gen_ai spans and token metrics) and logging
/// from the Microsoft.Extensions.AI pipeline, sent through the resilient HttpClient (retries of 429 and 5xx with backoff).
/// </summary>
public static class AiClients
{
    public const string TelemetrySource = "Parley.AI";

    public static IChatClient Chat(AiOptions options, IServiceProvider services)
    {
        var root = OpenAIClients.Create(options, services);
        return new PerModelChatClient(model => root.GetChatClient(model).AsIChatClient(), options)
            .AsBuilder().UseOpenTelemetry(sourceName: TelemetrySource).UseLogging().Build(services);
    }

    public static IEmbeddingGenerator<string, Embedding<float>> Embeddings(AiOptions options, IServiceProvider services)
    {
        var inner = OpenAIClients.Create(options, services).GetEmbeddingClient(options.EmbeddingModel)
            .AsIEmbeddingGenerator(options.EmbeddingDimensions > 0 ? options.EmbeddingDimensions : null);
        return new BatchingEmbeddingGenerator(inner, Math.Clamp(options.EmbeddingBatchSize, 1, 2048))
            .AsBuilder().UseOpenTelemetry(sourceName: TelemetrySource).UseLogging().Build(services);
    }
}

/// <summary>
/// Each bot chooses its model (a deployment name on Azure); the OpenAI SDK binds a chat client to one model, so this
/// keeps one client per model and sends each request to the one it names (else the configured default), with the
/// configured cap on answer length.
/// </summary>
public sealed class PerModelChatClient(Func<string, IChatClient> create, AiOptions options) : IChatClient
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IChatClient> clients = new();

    private (IChatClient Client, ChatOptions Options) Route(ChatOptions? chatOptions)
    {
        var model = string.IsNullOrEmpty(chatOptions?.ModelId) ? options.ChatModel : chatOptions.ModelId;
        var request = chatOptions?.Clone() ?? new ChatOptions();
        request.ModelId = model;
        request.Temperature ??= 0.3f;
        request.MaxOutputTokens ??= options.MaxAnswerTokens;
        return (clients.GetOrAdd(model, create), request);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken ct = default)
    {
        var (client, request) = Route(chatOptions);
        return client.GetResponseAsync(messages, request, ct);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken ct = default)
    {
        var (client, request) = Route(chatOptions);
        return client.GetStreamingResponseAsync(messages, request, ct);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : clients.Values.FirstOrDefault()?.GetService(serviceType, serviceKey);

    public void Dispose()
    {
        foreach (var client in clients.Values) client.Dispose();
    }
}

/// <summary>Sends inputs in batches of the configured size (the API caps inputs and tokens per request) and adds up the usage.</summary>
public sealed class BatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, int batchSize)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken ct = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        long tokens = 0;
        foreach (var batch in values.Select(v => v.Length == 0 ? " " : v).Chunk(batchSize))
        {
            var part = await base.GenerateAsync(batch, options, ct);
            if (part.Count != batch.Length) throw new InvalidOperationException($"The embedding service returned {part.Count} vectors for {batch.Length} inputs.");
            result.AddRange(part);
            tokens += part.Usage?.InputTokenCount ?? 0;
        }
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return result;
    }
}
