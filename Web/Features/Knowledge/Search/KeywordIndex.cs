using System.Text;
using System.Text.RegularExpressions;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace Parley.Features.Knowledge.Search;

/// <summary>
/// Text as the keyword index reads it: lowercased words of letters and digits, stemmed by the Porter algorithm
/// (Lucene.NET's Snowball port, the same algorithm as SQLite FTS5's porter tokenizer), so "queries" finds "query";
/// plus every identifier joined by <c>_</c>, <c>.</c> or <c>::</c> kept whole beside its parts, so
/// <c>max_retries</c> matches itself before it matches <c>connect_max_retries</c>.
/// </summary>
public static partial class KeywordText
{
    [GeneratedRegex(@"_*[\p{L}\p{N}]+(?:(?:_+|\.|::)[\p{L}\p{N}]+)+_*|__[\p{L}\p{N}]+__", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    [ThreadStatic] private static PorterStemmer? stemmer;

    /// <summary>Words too common to rank by; left in they match nearly every passage and say nothing.</summary>
    public static readonly HashSet<string> StopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has",
        "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "please",
        "should", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "us", "was",
        "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    ];

    public static string Stem(string word)
    {
        if (word.Length < 3 || !word.All(char.IsAsciiLetterLower)) return word; // numbers, short and non-English words stay as written
        var s = stemmer ??= new PorterStemmer();
        s.SetCurrent(word);
        s.Stem();
        return s.Current;
    }

    /// <summary>Every word of a text, lowercased letters and digits (no stemming).</summary>
    public static IEnumerable<string> Words(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
        }
        if (sb.Length > 0) yield return sb.ToString();
    }

    /// <summary>The whole identifiers of a text, lowercased (<c>os.path.splitext</c>, <c>max_retries</c>, <c>__init__</c>).</summary>
    public static IEnumerable<string> Identifiers(string text)
    {
        foreach (Match m in Identifier().Matches(text))
        {
            var id = m.Value.ToLowerInvariant();
            // The pattern holds a separator; "e.g" and "3.11" are not identifiers anyone searches for whole.
            if (id.Any(char.IsLetter) && !IsAbbreviation(id)) yield return id;
        }
    }

    private static bool IsAbbreviation(string id) => id.Split('.').All(p => p.Length <= 1);

    /// <summary>
    /// Words that phrase a question rather than say what it is about ("how long does it take", "can I get"): left out of
    /// a question's terms while it has other words.
    /// </summary>
    private static readonly HashSet<string> Phrasing =
    [
        "take", "takes", "get", "gets", "long", "much", "many", "need", "want", "know", "tell", "way", "ways", "possible", "use",
        "using", "make", "there", "any", "some", "about", "just", "also", "still", "ever", "give", "find", "see", "done",
    ];

    /// <summary>
    /// A question's terms: stemmed words without stop words (nor phrasing words while others remain), then its whole
    /// identifiers; at most 32, so no unbounded work reaches the index.
    /// </summary>
    public static List<string> QueryTerms(string query)
    {
        query = query.Normalize(NormalizationForm.FormKC);
        var words = Words(query).Where(w => (w.Length > 1 || char.IsDigit(w[0])) && !StopWords.Contains(w)).ToList();
        if (words.Any(w => !Phrasing.Contains(w))) words.RemoveAll(Phrasing.Contains);
        var terms = words.Select(Stem).ToList();
        terms.AddRange(Identifiers(query));
        return terms.Distinct().Take(32).ToList();
    }
}

/// <summary>
/// One bot's keyword index in memory: BM25 over the bot's own passages only (its own document frequencies and
/// lengths, so nothing another bot or workspace adds can move its ranking), with the page title and heading path
/// as fields weighted above the body (a simple BM25F: weighted term counts, body length normalisation).
/// </summary>
public sealed class KeywordIndex
{
    public const double K1 = 1.2, B = 0.75;
    public const float TitleWeight = 2f, HeadingWeight = 2f;

    private readonly Dictionary<string, (int[] Docs, float[] Weights)> postings;
    private readonly float[] lengths;
    private readonly float averageLength;

    public static readonly KeywordIndex Empty = new([], [], 0);

    private KeywordIndex(Dictionary<string, (int[] Docs, float[] Weights)> postings, float[] lengths, float averageLength) =>
        (this.postings, this.lengths, this.averageLength) = (postings, lengths, averageLength);

    public int Count => lengths.Length;
    /// <summary>What the index holds in memory, roughly (postings, lengths and the term table), for the cache's bound.</summary>
    public long Bytes { get; private init; }

    public int DocumentFrequency(string term) => postings.TryGetValue(term, out var p) ? p.Docs.Length : 0;

    public static KeywordIndex Build(IEnumerable<(string Title, string Headings, string Text)> passages)
    {
        var builder = new Builder();
        foreach (var (title, headings, text) in passages) builder.Add(title, headings, text);
        return builder.Build();
    }

    /// <summary>Indexes passages one by one, in order (the i-th added is document i), so their texts need not all be held at once.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, string> stems = new();
        private readonly Dictionary<string, (List<int> Docs, List<float> Weights)> building = new();
        private readonly Dictionary<string, float> counts = new();
        private readonly List<float> lengths = [];

        public void Add(string title, string headings, string text)
        {
            counts.Clear();
            var d = lengths.Count;
            lengths.Add(Count(text, 1f) + 0.01f);
            Count(headings, HeadingWeight);
            Count(title, TitleWeight);
            foreach (var (term, weight) in counts)
            {
                if (!building.TryGetValue(term, out var list)) building[term] = list = ([], []);
                list.Docs.Add(d);
                list.Weights.Add(weight);
            }
        }

        public KeywordIndex Build()
        {
            var frozen = new Dictionary<string, (int[], float[])>(building.Count);
            long bytes = lengths.Count * sizeof(float);
            foreach (var (term, list) in building)
            {
                frozen[term] = (list.Docs.ToArray(), list.Weights.ToArray());
                bytes += list.Docs.Count * 8L + 64 + term.Length * 2;
            }
            return new KeywordIndex(frozen, lengths.ToArray(), lengths.Count == 0 ? 0 : lengths.Average()) { Bytes = bytes };
        }

        private int Count(string field, float weight)
        {
            var words = 0;
            foreach (var word in KeywordText.Words(field))
            {
                words++;
                if (KeywordText.StopWords.Contains(word)) continue;
                if (!stems.TryGetValue(word, out var stem)) stems[word] = stem = KeywordText.Stem(word);
                counts[stem] = counts.GetValueOrDefault(stem) + weight;
            }
            foreach (var id in KeywordText.Identifiers(field)) counts[id] = counts.GetValueOrDefault(id) + weight;
            return words;
        }
    }

    /// <summary>
    /// The best <paramref name="top"/> passages for the query terms by BM25, with how much of the query each holds (the
    /// idf-weighted share of its terms, 0 to 1: a passage with every rare word of the question scores near 1).
    /// </summary>
    public List<(int Doc, double Score, double Coverage)> Search(IReadOnlyList<string> terms, int top)
    {
        var found = terms.Where(postings.ContainsKey).Distinct().ToList();
        if (found.Count == 0 || Count == 0) return [];
        var idfs = terms.Distinct().Select(Idf).ToList();
        var total = idfs.Sum();
        var scores = new Dictionary<int, (double Score, double Covered)>();
        foreach (var term in found)
        {
            var idf = Idf(term);
            var (docs, weights) = postings[term];
            for (var i = 0; i < docs.Length; i++)
            {
                var tf = weights[i];
                var s = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[docs[i]] / averageLength));
                var (score, covered) = scores.GetValueOrDefault(docs[i]);
                scores[docs[i]] = (score + s, covered + idf);
            }
        }
        return scores.OrderByDescending(x => x.Value.Score).ThenBy(x => x.Key).Take(top)
            .Select(x => (x.Key, x.Value.Score, total <= 0 ? 0 : x.Value.Covered / total)).ToList();
    }

    /// <summary>BM25's idf (never negative); a term the bot never holds weighs as the rarest would.</summary>
    private double Idf(string term)
    {
        var df = DocumentFrequency(term);
        return Math.Log(1 + (Count - df + 0.5) / (df + 0.5));
    }
}
