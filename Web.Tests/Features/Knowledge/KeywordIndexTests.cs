using Microsoft.Extensions.AI;
using Parley.Features.Knowledge.Embedding;
using Parley.Features.Knowledge.Search;

namespace Parley.Tests.Features.Knowledge;

/// <summary>The keyword side of the embedded index: stemming, whole identifiers, weighted fields, per-bot statistics, fusion weights.</summary>
public sealed class KeywordIndexTests
{
    private static KeywordIndex Index(params (string Title, string Headings, string Text)[] passages) => KeywordIndex.Build(passages);
    private static int[] Ranked(KeywordIndex index, string query) => index.Search(KeywordText.QueryTerms(query), 10).Select(r => r.Doc).ToArray();

    [Fact]
    public void Words_are_stemmed_so_plurals_and_tenses_match()
    {
        var index = Index(("", "", "Each query returns rows."), ("", "", "Nothing about that here."), ("", "", "Configuring connections is described below."));
        Assert.Equal([0], Ranked(index, "How do I write queries?"));
        Assert.Equal([2], Ranked(index, "configure a connection"));
        Assert.Equal(["queri", "configur", "connect"], KeywordText.QueryTerms("queries configured connections"));
    }

    [Fact]
    public void Identifiers_are_kept_whole_as_well_as_split()
    {
        Assert.Equal(["max_retries", "os.path.splitext", "std::vector", "__init__"],
            KeywordText.Identifiers("Set max_retries, call os.path.splitext. Use std::vector or __init__, e.g. in 3.11.").ToList());
        var index = Index(("", "", "connect_max_retries: how often to reconnect."), ("", "", "max_retries: how often a request is tried again."));
        Assert.Equal([1, 0], Ranked(index, "What does max_retries do?"));
        Assert.Equal([0, 1], Ranked(index, "What is connect_max_retries?"));
        var paths = Index(("", "", "Call splitext on the name twice: splitext splitext."), ("", "", "os.path.splitext(path) splits the extension."));
        Assert.Equal(1, Ranked(paths, "What does os.path.splitext return?")[0]);
    }

    [Fact]
    public void Title_and_heading_words_weigh_more_than_body_words()
    {
        var index = Index(
            ("Shipping", "Delivery times", "Parcels leave the warehouse every day."),
            ("Returns", "Refunds", "A delivery that arrives damaged is replaced; delivery people can be tipped."),
            ("About us", "History", "We started in Porto."));
        Assert.Equal(0, Ranked(index, "delivery times")[0]);
        Assert.Equal([1], Ranked(index, "refunds"));
    }

    [Fact]
    public void Statistics_are_the_bots_own_and_coverage_says_how_much_of_the_question_matched()
    {
        var small = Index(("", "", "Descale the kettle with citric acid."), ("", "", "The kettle warranty lasts two years."));
        var scores = small.Search(KeywordText.QueryTerms("descale kettle"), 5);
        Assert.Equal(0, scores[0].Doc);
        Assert.Equal(1.0, scores[0].Coverage, 3);
        Assert.InRange(scores[1].Coverage, 0.01, 0.5); // "kettle" only, a word both passages share
        Assert.Equal(2, small.DocumentFrequency("kettl"));
        Assert.Empty(small.Search(KeywordText.QueryTerms("zebra"), 5));
    }

    [Fact]
    public void Question_phrasing_words_are_left_out_while_the_question_has_others()
    {
        Assert.Equal(["refund"], KeywordText.QueryTerms("How long do refunds take?"));
        Assert.Equal(["long", "take"], KeywordText.QueryTerms("How long does it take?"));
    }

    [Fact]
    public void Fusion_is_keyword_first_with_the_hashing_embedder_and_equal_with_a_model_unless_set()
    {
        var hashing = new HashingEmbedder();
        Assert.Equal((1.0, 0.4), LocalSearchIndex.FusionWeights(new SearchOptions(), hashing));
        Assert.Equal((1.0, 1.0), LocalSearchIndex.FusionWeights(new SearchOptions(), new ModelEmbedder()));
        Assert.Equal((0.8, 0.2), LocalSearchIndex.FusionWeights(new SearchOptions { KeywordWeight = 0.8, VectorWeight = 0.2 }, hashing));
    }

    private sealed class ModelEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken ct = default) => throw new NotSupportedException();
        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }
}
