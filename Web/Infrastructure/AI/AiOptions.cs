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
