using Parley.Features.Knowledge.Extraction;

namespace Parley.Features.Knowledge;

public static class KnowledgeSetup
{
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExtractionOptions>().BindConfiguration(ExtractionOptions.Section);
        builder.Services.AddSingleton<DocumentExtractor>();
        builder.Services.AddSingleton<Search.VectorCache>();
        builder.Services.AddScoped<Search.LocalSearchIndex>();
        builder.Services.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(new Embedding.HashingEmbedder());
        return builder;
    }
}
