using System.Numerics.Tensors;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Embedding;
using Parley.Features.Knowledge.Extraction;

namespace Parley.Tests.Features.Knowledge;

public class ChunkingAndEmbeddingTests
{
    private static string Sentences(string topic, int count) =>
        string.Join(" ", Enumerable.Range(1, count).Select(i => $"Sentence {i} explains {topic} in plain words for customers."));

    [Fact]
    public void Chunks_stay_near_the_target_overlap_and_cover_every_sentence()
    {
        var paragraphs = Enumerable.Range(1, 12).Select(i => Sentences($"topic {i}", 8)).ToList();
        var doc = new ExtractedDocument(null, [new Section(4, ["Guide", "Returns"], string.Join("\n\n", paragraphs))]);
        var chunks = Chunker.Chunk(doc);

        Assert.True(chunks.Count >= 2);
        Assert.All(chunks, c => Assert.InRange(c.Tokens, 1, Chunker.TargetTokens + Chunker.OverlapTokens + 20));
        Assert.All(chunks, c => { Assert.Equal(4, c.Page); Assert.Equal(["Guide", "Returns"], c.Headings); });
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        for (var i = 1; i < chunks.Count; i++)
        {
            var previousEnd = string.Join(' ', chunks[i - 1].Text.Split(' ')[^5..]);
            Assert.Contains(previousEnd, chunks[i].Text); // the overlap carries the end of the previous passage
        }
        foreach (var sentence in paragraphs.SelectMany(p => p.Split(". ")))
            Assert.Contains(chunks, c => c.Text.Contains(sentence.TrimEnd('.')));
    }

    [Fact]
    public void Chunks_never_cross_a_page_or_heading_and_one_giant_paragraph_is_split()
    {
        var doc = new ExtractedDocument(null,
        [
            new Section(1, ["A"], "Short page one."),
            new Section(2, ["B"], Sentences("a very long paragraph", 200)),
        ]);
        var chunks = Chunker.Chunk(doc);
        Assert.Equal("Short page one.", chunks[0].Text);
        Assert.Equal(1, chunks[0].Page);
        Assert.All(chunks.Skip(1), c => Assert.Equal(2, c.Page));
        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c => Assert.True(c.Tokens <= Chunker.TargetTokens + Chunker.OverlapTokens + 20, $"{c.Tokens} tokens"));
    }

    [Fact]
    public void Hashing_embeddings_are_normalised_deterministic_and_closer_for_related_text()
    {
        var embedder = new HashingEmbedder();
        var refund = embedder.Embed("How do I get a refund for my order?");
        var refundAgain = embedder.Embed("How do I get a refund for my order?");
        var related = embedder.Embed("Refunds for orders are paid within 30 days.");
        var unrelated = embedder.Embed("Our office dog is called Biscuit and loves tennis balls.");

        Assert.Equal(HashingEmbedder.DefaultDimensions, refund.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(refund), 3);
        Assert.Equal(refund, refundAgain);
        Assert.True(TensorPrimitives.Dot(refund, related) > TensorPrimitives.Dot(refund, unrelated) + 0.1f,
            $"related {TensorPrimitives.Dot(refund, related)} vs unrelated {TensorPrimitives.Dot(refund, unrelated)}");
        Assert.All(embedder.Embed(""), v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task Hashing_embedder_serves_the_IEmbeddingGenerator_contract()
    {
        Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> generator = new HashingEmbedder(64);
        var result = await generator.GenerateAsync(["one", "two", "three"]);
        Assert.Equal(3, result.Count);
        Assert.All(result, e => { Assert.Equal(64, e.Vector.Length); Assert.Equal(HashingEmbedder.ModelId, e.ModelId); });
    }
}
