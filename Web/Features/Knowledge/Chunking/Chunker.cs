using System.Text;
using System.Text.RegularExpressions;
using Parley.Features.Knowledge.Extraction;

namespace Parley.Features.Knowledge.Chunking;

/// <summary>A passage ready to embed and index, with what a citation needs: page and heading path.</summary>
public sealed record ChunkDraft(int Index, string Text, int Tokens, int? Page, IReadOnlyList<string> Headings);

/// <summary>
/// Cuts sections into passages of about <see cref="TargetTokens"/> tokens on paragraph (then sentence) boundaries,
/// never across a page or heading change, each passage repeating the last ~<see cref="OverlapTokens"/> tokens of the one before.
/// </summary>
public static partial class Chunker
{
    public const int TargetTokens = 500;
    public const int OverlapTokens = 60;

    [GeneratedRegex(@"\w+|[^\w\s]")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"(?<=[.!?])\s+(?=\p{Lu}|\d)")]
    private static partial Regex SentenceBreak();

    /// <summary>A cheap, stable token estimate: words and punctuation marks, close to what BPE tokenizers count for prose.</summary>
    public static int CountTokens(string text) => TokenPattern().Count(text);

    public static IReadOnlyList<ChunkDraft> Chunk(ExtractedDocument doc, int target = TargetTokens, int overlap = OverlapTokens)
    {
        var chunks = new List<ChunkDraft>();
        foreach (var section in doc.Sections)
        {
            var pieces = section.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .SelectMany(p => CountTokens(p) > target ? SplitLong(p, target) : [p]).ToList();
            var current = new List<string>();
            var tokens = 0;
            void Emit()
            {
                var text = string.Join("\n\n", current).Trim();
                if (text.Length == 0) return;
                chunks.Add(new ChunkDraft(chunks.Count, text, CountTokens(text), section.Page, section.Headings));
            }
            foreach (var piece in pieces)
            {
                var t = CountTokens(piece);
                if (tokens > 0 && tokens + t > target)
                {
                    Emit();
                    var tail = Tail(string.Join("\n\n", current), overlap);
                    current = tail.Length > 0 ? [tail] : [];
                    tokens = CountTokens(tail);
                }
                current.Add(piece);
                tokens += t;
            }
            Emit();
        }
        return chunks;
    }

    /// <summary>A paragraph longer than a chunk: cut at sentence ends, and at word boundaries when a sentence is itself too long.</summary>
    private static IEnumerable<string> SplitLong(string paragraph, int target)
    {
        var buffer = new StringBuilder();
        var tokens = 0;
        foreach (var sentence in SentenceBreak().Split(paragraph).SelectMany(s => CountTokens(s) > target ? Words(s, target) : [s]))
        {
            var t = CountTokens(sentence);
            if (tokens > 0 && tokens + t > target)
            {
                yield return buffer.ToString().Trim();
                buffer.Clear();
                tokens = 0;
            }
            buffer.Append(sentence).Append(' ');
            tokens += t;
        }
        if (buffer.Length > 0) yield return buffer.ToString().Trim();
    }

    private static IEnumerable<string> Words(string sentence, int target)
    {
        var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var size = Math.Max(1, target * 3 / 4);
        for (var i = 0; i < words.Length; i += size) yield return string.Join(' ', words.Skip(i).Take(size));
    }

    /// <summary>The last words of a passage worth about <paramref name="tokens"/> tokens, starting at a word boundary.</summary>
    private static string Tail(string text, int tokens)
    {
        if (tokens <= 0) return "";
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var taken = new List<string>();
        var count = 0;
        for (var i = words.Length - 1; i >= 0 && count < tokens; i--)
        {
            taken.Insert(0, words[i]);
            count += CountTokens(words[i]);
        }
        return taken.Count == words.Length ? "" : string.Join(' ', taken);
    }
}
