using System.Numerics.Tensors;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Features.Knowledge.Embedding;

/// <summary>
/// The embedded default embedder: signed feature hashing of word unigrams, word bigrams and character trigrams
/// into a fixed-size vector, L2-normalised so a dot product is the cosine. No model, no network, deterministic.
/// </summary>
public sealed class HashingEmbedder(int dimensions = HashingEmbedder.DefaultDimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int DefaultDimensions = 256;
    public const string ModelId = "parley-hashing-v1";

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)) { ModelId = ModelId, CreatedAt = DateTimeOffset.UtcNow }));
        return Task.FromResult(result);
    }

    public float[] Embed(string text)
    {
        var vector = new float[dimensions];
        var words = Words(text);
        for (var i = 0; i < words.Count; i++)
        {
            Add(vector, words[i], 1.0f);
            if (i > 0) Add(vector, words[i - 1] + " " + words[i], 0.7f);
            var padded = $" {words[i]} ";
            for (var j = 0; j + 3 <= padded.Length; j++) Add(vector, "#" + padded.Substring(j, 3), 0.3f);
        }
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    private void Add(float[] vector, string feature, float weight)
    {
        var hash = Fnv1a(feature);
        vector[(int)(hash % (uint)dimensions)] += (hash & 0x8000_0000) == 0 ? weight : -weight;
    }

    private static uint Fnv1a(string s)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(s)) hash = (hash ^ b) * 16777619u;
        return hash;
    }

    /// <summary>The same words the keyword index reads (lowercased letters and digits), after Unicode compatibility folding.</summary>
    private static List<string> Words(string text) => Search.KeywordText.Words(text.Normalize(NormalizationForm.FormKC)).ToList();

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
