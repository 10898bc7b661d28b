using Parley.Features.Knowledge.Crawling;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Sources;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Knowledge;

public static class KnowledgeSetup
{
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExtractionOptions>().BindConfiguration(ExtractionOptions.Section);
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section);
        builder.Services.AddOptions<CrawlOptions>().BindConfiguration(CrawlOptions.Section);
        builder.Services.AddSingleton<DocumentExtractor>();
        builder.Services.AddSingleton<WebsiteCrawler>();
        builder.Services.AddSingleton(sp => new Search.BotIndexCache(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Search.SearchOptions>>().Value.VectorCacheMegabytes * 1024L * 1024));
        builder.Services.AddScoped<Search.LocalSearchIndex>();
        builder.Services.AddOptions<Search.SearchOptions>().BindConfiguration(Search.SearchOptions.Section)
            .Validate(o => o.Provider == Search.SearchProvider.Local || Uri.TryCreate(o.Endpoint, UriKind.Absolute, out _), "Parley:Search:Endpoint is required for Azure AI Search.")
            .ValidateOnStart();
        var searchProvider = builder.Configuration.GetSection(Search.SearchOptions.Section).Get<Search.SearchOptions>()?.Provider ?? Search.SearchProvider.Local;
        if (searchProvider == Search.SearchProvider.AzureAISearch)
        {
            builder.Services.AddSingleton<Search.AzureSearchClients>();
            builder.Services.AddScoped<Search.ISearchIndex, Search.AzureSearchIndex>();
        }
        else builder.Services.AddScoped<Search.ISearchIndex>(sp => sp.GetRequiredService<Search.LocalSearchIndex>());
        builder.Services.AddScoped<SourceService>();
        builder.Services.AddOptions<Infrastructure.AI.AiOptions>().BindConfiguration(Infrastructure.AI.AiOptions.Section)
            .Validate(o => o.Provider == Infrastructure.AI.AiProvider.Local || Uri.TryCreate(o.Endpoint, UriKind.Absolute, out _), "Parley:AI:Endpoint is required for the OpenAI provider.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(sp =>
        {
            var ai = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.AI.AiOptions>>().Value;
            return ai.Provider == Infrastructure.AI.AiProvider.OpenAI ? Infrastructure.AI.AiClients.Embeddings(ai, sp) : new Embedding.HashingEmbedder();
        });
        var sweep = builder.Configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>()?.SweepSeconds ?? 30;
        // Removes what deletions left in the search index and blob storage (each deletion also asks at once).
        builder.Services.AddRecurringJob<KnowledgeCleanupJob>(KnowledgeCleanupJob.Id, j => j.RunAsync(CancellationToken.None), _ => "* * * * *");
        // Resumes stopped runs and queues website re-syncs that are due: every few seconds (cron with seconds).
        builder.Services.AddRecurringJob<IngestionSweepJob>(IngestionSweepJob.Id, j => j.RunAsync(CancellationToken.None),
            _ => sweep >= 60 ? $"*/{Math.Min(59, sweep / 60)} * * * *" : $"*/{Math.Max(1, sweep)} * * * * *");
        builder.Services.AddHostedService<IngestionLifecycle>();
        return builder;
    }
}
