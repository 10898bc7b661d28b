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
        var terms = LocalSearchIndex.Terms(question);
        var passages = messages.Where(m => m.Role == ChatRole.System)
            .SelectMany(m => PassageBlock().Matches(m.Text ?? "")).Select(m => (Id: int.Parse(m.Groups["id"].Value), Text: System.Net.WebUtility.HtmlDecode(m.Groups["text"].Value).Trim()))
            .ToList();
        if (terms.Count == 0 || passages.Count == 0) return NotFound;

        var scored = new List<(int Passage, int Order, string Sentence, double Score)>();
        foreach (var (p, rank) in passages.Select((p, i) => (p, i)))
        {
            var sentences = SentenceBreak().Split(p.Text).Select(s => s.Trim()).Where(s => s.Length > 2).ToList();
            for (var i = 0; i < sentences.Count; i++)
            {
                var words = LocalSearchIndex.Words(sentences[i]).ToList();
                if (words.Count == 0) continue;
                var hits = terms.Count(t => words.Any(w => w == t || (t.Length >= 5 && w.StartsWith(t, StringComparison.Ordinal))));
                if (hits == 0) continue;
                // A Q&A passage's question line is context, not an answer: prefer the answer line beside it.
                var isQuestion = sentences[i].StartsWith("Q:", StringComparison.Ordinal);
                var score = hits / Math.Sqrt(Math.Max(4, words.Count)) + 0.35 / (rank + 1) - (isQuestion ? 0.5 : 0);
                scored.Add((p.Id, i, sentences[i], score));
            }
        }
        // Q&A answers stand on their own: when the best passage is a Q&A whose question matched, answer with its answer.
        var best = scored.OrderByDescending(s => s.Score).Take(3).ToList();
        if (best.Count == 0) return NotFound;
        var qa = passages.FirstOrDefault(p => p.Id == best[0].Passage && p.Text.StartsWith("Q:", StringComparison.Ordinal));
        if (qa.Text is { } qaText && qaText.IndexOf("\nA:", StringComparison.Ordinal) is var a and >= 0)
            return $"{qaText[(a + 3)..].Trim()} [{qa.Id}]\n\n{NoModelNote}";
        var ordered = best.Where(b => b.Score > 0).OrderBy(b => best.IndexOf(b) == 0 ? 0 : 1).ThenBy(b => b.Passage).ThenBy(b => b.Order);
        var body = string.Join(" ", ordered.Select(b => $"{Clean(b.Sentence)} [{b.Passage}]"));
        return body.Length == 0 ? NotFound : $"{body}\n\n{NoModelNote}";
    }

    private static string Clean(string sentence) => sentence.TrimStart('-', '*', ' ').Replace("[", "(").Replace("]", ")");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    public void Dispose() { }
}
