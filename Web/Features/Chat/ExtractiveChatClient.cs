using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Search;

namespace Parley.Features.Chat;

/// <summary>
/// The embedded default model: no LLM. It answers with the sentences of the retrieved passages that hold most of the
/// question, each cited; the playground (and visitors, when the bot's Behavior says so) is told it answered without an
/// AI model. It reads the passages from the prompt's quoted-data block, as a real model would, so the pipeline is the
/// same for both.
/// </summary>
public sealed partial class ExtractiveChatClient(TimeSpan wordDelay, Knowledge.Embedding.SentenceModel? model = null) : IChatClient
{
    public const string ModelId = "extractive";
    public const string NoModelNote = "_Answered from this assistant's documents without an AI model._";
    public const string NotFound = "I couldn't find that in what I've been taught. Try asking in other words, or ask to talk to a person.";

    [GeneratedRegex("<passage id=\"(?<id>\\d+)\"(?: source=\"(?<source>[^\"]*)\")?[^>]*?(?: section=\"(?<section>[^\"]*)\")?>(?<text>.*?)</passage>", RegexOptions.Singleline)]
    private static partial Regex PassageBlock();

    [GeneratedRegex(@"^\s*(how\s+(do|can|should|would)\s+(i|we|you|one)|how\s+to)\b", RegexOptions.IgnoreCase)]
    private static partial Regex HowTo();

    /// <summary>A call (<c>name(</c>), a decorator, or a dotted or underscored identifier.</summary>
    [GeneratedRegex(@"\b\w+\(|@\w+|\b\w+(?:\.\w+)+\b|\b\w+_\w+\b")]
    private static partial Regex CodeLike();

    /// <summary>A sentence ends at . ! or ? before a capital, digit, quote or bracket (not after "e.g." or "i.e."), and at a line break.</summary>
    [GeneratedRegex(@"(?<=[.!?])(?<!\b(?:e\.g|i\.e|etc|vs|cf|approx|Mr|Ms|Dr|No)\.)\s+(?=[\p{Lu}\p{N}""“'‘(\[])|\n+")]
    private static partial Regex SentenceBreak();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
    {
        var text = new StringBuilder();
        UsageDetails? usage = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, ct))
        {
            text.Append(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString())) { ModelId = ModelId, Usage = usage };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var list = messages.ToList();
        var answer = Compose(list, model, ct);
        var words = Regex.Split(answer, @"(?<=\s)");
        foreach (var word in words.Where(w => w.Length > 0))
        {
            ct.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, word) { ModelId = ModelId };
            if (wordDelay > TimeSpan.Zero) await Task.Delay(wordDelay, ct);
        }
        var tokensIn = list.Sum(m => Chunker.CountTokens(m.Text ?? ""));
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = tokensIn, OutputTokenCount = Chunker.CountTokens(answer), TotalTokenCount = tokensIn + Chunker.CountTokens(answer) })]) { ModelId = ModelId };
    }

    /// <summary>
    /// The answer: the sentences of the passages that hold most of the question (its rarer words and whole identifiers
    /// weigh most), the best one with the sentences after it only while they stay on the question (or finish what it
    /// introduced with a colon), and one strong sentence from another passage; each with its citation mark. A Q&amp;A
    /// passage that matches answers with its answer. Nothing that shares the question's words: an honest "not found".
    /// </summary>
    public static string Compose(IReadOnlyList<ChatMessage> messages, Knowledge.Embedding.SentenceModel? model = null, CancellationToken ct = default)
    {
        var question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var terms = KeywordText.QueryTerms(question);
        var identifiers = KeywordText.Identifiers(question).ToHashSet();
        var passages = messages.Where(m => m.Role == ChatRole.System)
            .SelectMany(m => PassageBlock().Matches(m.Text ?? "")).Select(m => (Id: int.Parse(m.Groups["id"].Value), Text: System.Net.WebUtility.HtmlDecode(m.Groups["text"].Value).Trim(),
                Topic: System.Net.WebUtility.HtmlDecode($"{SourceRef.Label(m.Groups["source"].Value)} › {m.Groups["section"].Value}").Trim(' ', '›')))
            .ToList();
        if (terms.Count == 0 || passages.Count == 0) return NotFound;

        // The words of a passage's page title and section speak for each of its sentences ("Warranty" above "Every kettle
        // is covered for two years" answers "how long is the warranty"), at half the weight of the sentence's own.
        var topicTerms = passages.Select(p => KeywordText.Words(p.Topic).Select(KeywordText.Stem).Where(terms.Contains).ToHashSet()).ToList();
        var sentences = new List<(int Passage, int Rank, int Order, string Text, HashSet<string> Terms, int Words)>();
        foreach (var (p, rank) in passages.Select((p, i) => (p, i)))
        {
            // Lines wrapped inside a paragraph (as PDFs wrap them) are joined before cutting into sentences; list items stay apart.
            var text = Regex.Replace(p.Text, @"(?<!\n)\n(?!\n|\s*[-*•]\s|\s*\d+[.)]\s|A:|>>>|\.\.\.)", " ");
            var cut = SentenceBreak().Split(text).Select(x => x.Trim()).Where(x => x.Length > 2).ToList();
            for (var i = 0; i < cut.Count; i++)
            {
                var words = KeywordText.Words(cut[i]).ToList();
                var found = words.Select(KeywordText.Stem).Concat(KeywordText.Identifiers(cut[i])).Where(terms.Contains).ToHashSet();
                sentences.Add((p.Id, rank, i, cut[i], found, words.Count));
            }
        }
        // A word is worth more the fewer of these sentences hold it; a whole identifier of the question, twice that.
        var weight = terms.ToDictionary(t => t, t =>
        {
            var holding = sentences.Count(x => x.Terms.Contains(t));
            return Math.Log(1 + (sentences.Count + 1.0) / (holding + 0.5)) * (identifiers.Contains(t) ? 2 : 1);
        });
        var total = weight.Values.Sum();
        var howTo = HowTo().IsMatch(question);
        var (meaning, topics) = Meaning(question, sentences, passages.Select(p => p.Topic).ToList(), model, ct);
        double Score((int Passage, int Rank, int Order, string Text, HashSet<string> Terms, int Words) x, int i)
        {
            // A sentence that shares no word with the question (nor its passage's topic) must be close in meaning to count at all.
            var topic = topicTerms[x.Rank].Except(x.Terms).ToList();
            if (x.Terms.Count == 0 && topic.Count == 0 && (meaning is null || meaning[i] < MeaningWithoutWords)) return 0;
            var coverage = (x.Terms.Sum(t => weight[t]) + 0.5 * topic.Sum(t => weight[t])) / total;
            // With the sentence model, meaning weighs more than shared words ("loop over the file object" answers "read a
            // file line by line"), and so does what the passage's page and section are about.
            if (meaning is not null) coverage = 0.35 * coverage + 0.8 * Math.Max(0, meaning[i]) + 0.3 * Math.Max(0, topics![x.Rank]);
            // A title-like fragment says little; a very long run-on says it less plainly; a Q&A's question line is context, not an answer.
            var form = x.Words < 4 ? -0.25 : x.Words > 60 ? -0.1 : 0;
            // "How do I ..." is answered by naming what to call: a sentence that names a function or identifier leads.
            if (howTo && CodeLike().IsMatch(x.Text)) form += 0.12;
            return coverage + form + 0.3 / (x.Rank + 1) - (x.Text.StartsWith("Q:", StringComparison.Ordinal) ? 0.5 : 0);
        }
        var ranked = sentences.Select((x, i) => (x.Passage, x.Order, x.Text, Score: Score(x, i), x.Terms)).Where(x => x.Score > 0).OrderByDescending(x => x.Score).ToList();
        if (ranked.Count == 0) return NotFound;
        var best = ranked[0];
        // Q&A answers stand on their own: when the best match is a Q&A, answer with its answer.
        var qa = passages.First(p => p.Id == best.Passage);
        if (qa.Text.StartsWith("Q:", StringComparison.Ordinal) && qa.Text.IndexOf("\nA:", StringComparison.Ordinal) is var a and >= 0)
            return $"{qa.Text[(a + 3)..].Trim()} [{qa.Id}]";

        var inPassage = sentences.Where(x => x.Passage == best.Passage).ToDictionary(x => x.Order);
        var chosen = new List<(int Passage, int Order)> { (best.Passage, best.Order) };
        // What follows the best sentence, while it stays on the question or finishes what the sentence before introduced.
        for (var next = best.Order + 1; next <= best.Order + 3 && inPassage.TryGetValue(next, out var n); next++)
        {
            var introduced = inPassage[next - 1].Text.TrimEnd().EndsWith(':') || n.Text.StartsWith(">>>", StringComparison.Ordinal) || n.Text.StartsWith("- ", StringComparison.Ordinal);
            // With the model, "on the question" is judged by meaning (a shared word alone can be a coincidence); without it, by words.
            var onTopic = meaning is null ? n.Terms.Count > 0 : meaning[sentences.IndexOf(n)] >= 0.3f;
            if (n.Text.StartsWith("Q:", StringComparison.Ordinal) || (!onTopic && !introduced)) break;
            chosen.Add((best.Passage, next));
        }
        // One strong sentence from another passage, when it adds words of the question the first did not hold.
        foreach (var other in ranked.Skip(1).Where(r => r.Passage != best.Passage && r.Score >= best.Score * 0.75 && !r.Terms.IsSubsetOf(best.Terms)).Take(1))
            chosen.Add((other.Passage, other.Order));
        var byKey = sentences.ToDictionary(x => (x.Passage, x.Order), x => x.Text);
        var body = new StringBuilder();
        foreach (var group in chosen.GroupBy(c => c.Passage))
            body.Append(string.Join(" ", group.OrderBy(c => c.Order).Select(c => Clean(byKey[c])))).Append($" [{group.Key}] ");
        return body.ToString().Trim();
    }

    /// <summary>How close in meaning a sentence sharing no word with the question must be to answer it.</summary>
    public const float MeaningWithoutWords = 0.45f;

    /// <summary>Most sentences given to the sentence model per answer (best passages first).</summary>
    public const int MaxModelSentences = 40;

    /// <summary>
    /// Each sentence's closeness in meaning to the question (0 for sentences the model was not given), and each passage's
    /// topic's (its page title and section); nulls without the model. One pass through the model.
    /// </summary>
    private static (float[]?, float[]?) Meaning(string question, List<(int Passage, int Rank, int Order, string Text, HashSet<string> Terms, int Words)> sentences,
        List<string> topics, Knowledge.Embedding.SentenceModel? model, CancellationToken ct)
    {
        if (model is null) return (null, null);
        // Every sentence of the best passages first (a sentence may answer without sharing a word), then those of the others that share one.
        var picked = sentences.Select((x, i) => (x, i)).Where(p => p.x.Rank < 3 || p.x.Terms.Count > 0).OrderBy(p => p.x.Rank).Take(MaxModelSentences).ToList();
        var similarity = model.Similarities(question, [.. topics, .. picked.Select(p => p.x.Text)], ct);
        var meaning = new float[sentences.Count];
        for (var j = 0; j < picked.Count; j++) meaning[picked[j].i] = similarity[topics.Count + j];
        return (meaning, similarity[..topics.Count]);
    }

    private static string Clean(string sentence) => sentence.TrimStart('-', '*', ' ').Replace("[", "(").Replace("]", ")");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    public void Dispose() { }
}
