namespace Parley.Infrastructure.AI;

public enum AiProvider { Local, OpenAI }

/// <summary>Where embeddings (and later chat) come from: the embedded defaults, or Azure OpenAI / OpenAI through the OpenAI SDK.</summary>
public class AiOptions
{
    public const string Section = "Parley:AI";
    public AiProvider Provider { get; set; } = AiProvider.Local;
    /// <summary>Azure OpenAI's v1 endpoint (https://{resource}.openai.azure.com/openai/v1/) or https://api.openai.com/v1/.</summary>
    public string? Endpoint { get; set; }
    /// <summary>Leave empty on Azure to sign in with the managed identity (Entra ID).</summary>
    public string? ApiKey { get; set; }
    /// <summary>The chat model, or on Azure its deployment name.</summary>
    public string ChatModel { get; set; } = "gpt-4.1-mini";
    public int MaxAnswerTokens { get; set; } = 800;
    /// <summary>The embedding model, or on Azure its deployment name.</summary>
    public string EmbeddingModel { get; set; } = "text-embedding-3-small";
    /// <summary>Vector size asked of the model (text-embedding-3 models shorten on request); 0 keeps the model's own.</summary>
    public int EmbeddingDimensions { get; set; } = 512;
    /// <summary>Inputs per request; the API accepts up to 2,048 and about 300k tokens per request.</summary>
    public int EmbeddingBatchSize { get; set; } = 96;
    /// <summary>Retries of 429 and 5xx answers, with exponential backoff that honours Retry-After.</summary>
    public int MaxRetries { get; set; } = 5;
    public int TimeoutSeconds { get; set; } = 60;
}

/// <summary>
/// The one OpenAI SDK client for chat and embeddings: v1 endpoint, key or Entra ID, sent through the resilient HttpClient
/// (<see cref="Outbound.ResilientClients"/>: retries of 429/5xx with backoff that honours Retry-After, timeouts, circuit
/// breaker), so the SDK's own retry is off.
/// </summary>
public static class OpenAIClients
{
    public static OpenAI.OpenAIClient Create(AiOptions options, IServiceProvider services)
    {
        var clientOptions = new OpenAI.OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint ?? throw new InvalidOperationException("Parley:AI:Endpoint is required for the OpenAI provider.")),
            Transport = Outbound.ResilientClients.OpenAITransport(services),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0),
            NetworkTimeout = Timeout.InfiniteTimeSpan, // the handler times each attempt
            UserAgentApplicationId = "parley",
        };
#pragma warning disable OPENAI001 // token-credential constructor: the documented way to use Entra ID with the v1 endpoint
        return string.IsNullOrEmpty(options.ApiKey)
            ? new OpenAI.OpenAIClient(new System.ClientModel.Primitives.BearerTokenPolicy(new Azure.Identity.DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default"), clientOptions)
            : new OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential(options.ApiKey), clientOptions);
#pragma warning restore OPENAI001
    }
}
