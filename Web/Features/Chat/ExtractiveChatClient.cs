using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Search;

namespace Parley.Features.Chat;

/// <summary>
/// The embedded default model: no LLM. It answers with the sentences of the retrieved passages that share the most
/// words with the question, each cited, and says plainly that it is running without an AI model. It reads the
/// passages from the prompt's quoted-data block, as a real model would, so the pipeline is the same for both.
/// </summary>
public sealed partial class ExtractiveChatClient(TimeSpan wordDelay) : IChatClient
{
    public const string ModelId = "extractive";
    public const string NoModelNote = "_Answered from this assistant's documents without an AI model._";
    public const string NotFound = "I couldn't find that in what I've been taught. Try asking in other words, or ask to talk to a person.";

    [GeneratedRegex("<passage id=\"(?<id>\\d+)\"[^>]*>(?<text>.*?)</passage>", RegexOptions.Singleline)]
    private static partial Regex PassageBlock();

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
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
        var answer = Compose(list);
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

    /// <summary>The answer: the best sentences of the passages with their citation marks, or an honest "not found".</summary>
    public static string Compose(IReadOnlyList<ChatMessage> messages)
    {
        var question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var terms = KeywordText.QueryTerms(question);
        var passages = messages.Where(m => m.Role == ChatRole.System)
            .SelectMany(m => PassageBlock().Matches(m.Text ?? "")).Select(m => (Id: int.Parse(m.Groups["id"].Value), Text: System.Net.WebUtility.HtmlDecode(m.Groups["text"].Value).Trim()))
            .ToList();
        if (terms.Count == 0 || passages.Count == 0) return NotFound;

        var scored = new List<(int Passage, int Order, string Sentence, double Score)>();
        var bySentence = new Dictionary<(int Passage, int Order), string>();
        foreach (var (p, rank) in passages.Select((p, i) => (p, i)))
        {
            // Lines wrapped inside a paragraph (as PDFs wrap them) are joined before cutting into sentences; list items stay apart.
            var text = Regex.Replace(p.Text, @"(?<!\n)\n(?!\n|\s*[-*•]\s|\s*\d+[.)]\s|A:)", " ");
            var sentences = SentenceBreak().Split(text).Select(s => s.Trim()).Where(s => s.Length > 2).ToList();
            for (var i = 0; i < sentences.Count; i++)
            {
                bySentence[(p.Id, i)] = sentences[i];
                var words = KeywordText.Words(sentences[i]).Select(KeywordText.Stem).Concat(KeywordText.Identifiers(sentences[i])).ToList();
                if (words.Count == 0) continue;
                var hits = terms.Count(words.Contains);
                if (hits == 0) continue;
                // A Q&A passage's question line is context, not an answer; a title-like fragment says little.
                var isQuestion = sentences[i].StartsWith("Q:", StringComparison.Ordinal);
                var score = hits / Math.Sqrt(Math.Max(4, words.Count)) + 0.35 / (rank + 1) - (isQuestion ? 0.5 : 0) - (words.Count < 4 ? 0.3 : 0);
                scored.Add((p.Id, i, sentences[i], score));
            }
        }
        var ranked = scored.OrderByDescending(s => s.Score).ToList();
        if (ranked.Count == 0 || ranked[0].Score <= 0) return NotFound;
        var best = ranked[0];
        // Q&A answers stand on their own: when the best match is a Q&A, answer with its answer.
        var qa = passages.First(p => p.Id == best.Passage);
        if (qa.Text.StartsWith("Q:", StringComparison.Ordinal) && qa.Text.IndexOf("\nA:", StringComparison.Ordinal) is var a and >= 0)
            return $"{qa.Text[(a + 3)..].Trim()} [{qa.Id}]\n\n{NoModelNote}";
        // The best sentence and the two after it (instructions run on), then other strong matches from other passages.
        var chosen = new List<(int Passage, int Order)> { (best.Passage, best.Order) };
        for (var next = best.Order + 1; next <= best.Order + 2 && bySentence.ContainsKey((best.Passage, next)); next++)
        {
            if (bySentence[(best.Passage, next)].StartsWith("Q:", StringComparison.Ordinal)) break;
            chosen.Add((best.Passage, next));
        }
        foreach (var other in ranked.Skip(1).Where(r => r.Passage != best.Passage && r.Score >= best.Score * 0.6).Take(1))
            chosen.Add((other.Passage, other.Order));
        var body = new StringBuilder();
        foreach (var group in chosen.GroupBy(c => c.Passage))
            body.Append(string.Join(" ", group.OrderBy(c => c.Order).Select(c => Clean(bySentence[c])))).Append($" [{group.Key}] ");
        return $"{body.ToString().Trim()}\n\n{NoModelNote}";
    }

    private static string Clean(string sentence) => sentence.TrimStart('-', '*', ' ').Replace("[", "(").Replace("]", ")");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    public void Dispose() { }
}
