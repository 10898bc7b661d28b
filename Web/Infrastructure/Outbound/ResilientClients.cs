using Microsoft.Extensions.Http.Resilience;
using Parley.Infrastructure.AI;

namespace Parley.Infrastructure.Outbound;

/// <summary>
/// The HttpClients behind the SDKs of the services Parley calls (Azure OpenAI, Azure AI Search, Azure Blob Storage),
/// each with Microsoft.Extensions.Http.Resilience's standard handler: a cap on concurrent requests, a total timeout, retries
/// of 408/429/5xx and network failures with jittered exponential backoff that honours Retry-After, a per-attempt timeout
/// and a circuit breaker. The SDKs' own retry is turned off where the handler retries, so a request is never retried
/// twice over. Customer sites are not fetched through these: SafeHttp keeps its own caps for them.
/// </summary>
public static class ResilientClients
{
    public const string OpenAI = "Parley.OpenAI";
    public const string AzureSearch = "Parley.AzureSearch";
    public const string AzureBlob = "Parley.AzureBlob";

    public static IHostApplicationBuilder AddResilientClients(this IHostApplicationBuilder builder)
    {
        var ai = builder.Configuration.GetSection(AiOptions.Section).Get<AiOptions>() ?? new AiOptions();
        // A model may take its time over a long answer: each attempt gets the configured timeout (the stream itself is
        // read after the handler has returned, so only the wait for the first bytes counts).
        Add(builder, OpenAI, ai.MaxRetries, TimeSpan.FromSeconds(Math.Max(5, ai.TimeoutSeconds)));
        Add(builder, AzureSearch, retries: 4, TimeSpan.FromSeconds(30));
        // The Blob SDK retries by itself: it rewinds an upload's stream before sending it again, which a handler cannot
        // do, so here the handler only bounds time and breaks the circuit.
        Add(builder, AzureBlob, retries: 0, TimeSpan.FromSeconds(100));
        return builder;
    }

    private static void Add(IHostApplicationBuilder builder, string name, int retries, TimeSpan attempt)
    {
        builder.Services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan).AddStandardResilienceHandler(o =>
        {
            o.AttemptTimeout.Timeout = attempt;
            o.TotalRequestTimeout.Timeout = attempt * (retries + 1) + TimeSpan.FromSeconds(30 * retries);
            o.CircuitBreaker.SamplingDuration = attempt * 2;
            if (retries > 0) o.Retry.MaxRetryAttempts = retries;
            else o.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
        });
    }

    /// <summary>The transport for an OpenAI SDK client: the resilient HttpClient, with the SDK's own retry off.</summary>
    public static System.ClientModel.Primitives.PipelineTransport OpenAITransport(IServiceProvider services) =>
        new System.ClientModel.Primitives.HttpClientPipelineTransport(services.GetRequiredService<IHttpClientFactory>().CreateClient(OpenAI));

    /// <summary>The transport for an Azure SDK client: the resilient HttpClient.</summary>
    public static Azure.Core.Pipeline.HttpPipelineTransport AzureTransport(IServiceProvider services, string name) =>
        new Azure.Core.Pipeline.HttpClientTransport(services.GetRequiredService<IHttpClientFactory>().CreateClient(name));
}
