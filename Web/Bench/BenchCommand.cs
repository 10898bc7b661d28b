using System.Diagnostics;
using Microsoft.Extensions.Options;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Embedding;
using Parley.Features.Knowledge.Extraction;

namespace Parley.Bench;

/// <summary>
/// Prints throughput figures for the knowledge pipeline pieces that exist: dotnet run --project Web -c Release -- bench.
/// Numbers, not assertions: DESIGN.md's budgets are compared by a person reading them.
/// </summary>
public static class BenchCommand
{
    public static async Task<bool> TryRunAsync(string[] args)
    {
        if (args is ["bench-streams", var baseUrl, var host, var widget, var tokens])
        {
            await ChatBench.HoldStreamsAsync(baseUrl, host, widget, tokens);
            return true;
        }
        if (args is ["bench", "eval", ..])
        {
            await AnswerEval.RunAsync(args.SkipWhile(a => a != "--docs").Skip(1).FirstOrDefault(), args.Contains("--verbose"), args.Contains("--no-politeness"));
            return true;
        }
        if (args is ["bench", "retrieval", ..])
        {
            foreach (var size in args.Skip(2).Select(int.Parse).DefaultIfEmpty(100_000)) await RetrievalBench.RunAsync(size);
            return true;
        }
        if (args is ["bench", "chat", ..])
        {
            await ChatBench.RunAsync(args.Contains("--quick") ? 2_000 : 10_000, args.Contains("--quick"));
            return true;
        }
        if (args is ["bench", "api", ..])
        {
            await ApiBench.RunAsync(args.Contains("--quick") ? 2_000 : 10_000, args.Contains("--quick") ? 40 : 200);
            return true;
        }
        if (args is ["bench", "pages", ..])
        {
            await PagesBench.RunAsync(args.Contains("--quick") ? 50 : 300);
            return true;
        }
        if (args is not ["bench", ..]) return false;
        Console.WriteLine($"Parley bench — {Environment.ProcessorCount} cores, .NET {Environment.Version}, single-threaded figures");
        await PdfAsync();
        Embedder();
        await CrawlBench.RunAsync(args.Contains("--quick") ? 200 : 1_000);
        foreach (var size in args.Contains("--quick") ? [2_000] : new[] { 10_000, 100_000 })
            await RetrievalBench.RunAsync(size);
        await ChatBench.RunAsync(args.Contains("--quick") ? 2_000 : 10_000, args.Contains("--quick"));
        await ApiBench.RunAsync(args.Contains("--quick") ? 2_000 : 10_000, args.Contains("--quick") ? 40 : 200);
        await SignInBench.RunAsync(args.Contains("--quick") ? 20 : 60);
        await PagesBench.RunAsync(args.Contains("--quick") ? 50 : 300);
        await LiveBench.RunAsync(args.Contains("--quick") ? 40 : 200);
        if (!args.Contains("--quick")) await AnswerEval.RunAsync(null, args.Contains("--verbose"));
        return true;
    }

    private static async Task PdfAsync()
    {
        const int pagesPerFile = 200, files = 5;
        var page = string.Join("\n", Enumerable.Range(1, 40).Select(i => $"Line {i}: orders ship within two working days; refunds are paid in 30 days."));
        var pdf = SamplePdf.Write(Enumerable.Repeat(page, pagesPerFile).ToArray());
        var extractor = new DocumentExtractor(Options.Create(new ExtractionOptions()));
        await extractor.ExtractAsync(pdf, "warmup.pdf", default);
        var sw = Stopwatch.StartNew();
        var chunks = 0;
        for (var i = 0; i < files; i++)
        {
            var (_, doc) = await extractor.ExtractAsync(pdf, "bench.pdf", default);
            chunks += Chunker.Chunk(doc).Count;
        }
        sw.Stop();
        var pages = pagesPerFile * files;
        Console.WriteLine($"PDF extract+chunk: {pages / sw.Elapsed.TotalSeconds:F0} pages/s ({pages} pages of ~{Chunker.CountTokens(page)} tokens, {chunks} chunks, {sw.Elapsed.TotalMilliseconds:F0} ms; target ≥ 100 pages/s per core)");
    }

    private static void Embedder()
    {
        var embedder = new HashingEmbedder();
        var text = string.Join(" ", Enumerable.Range(1, 70).Select(i => $"Customers ask question {i} about delivery, refunds and accounts."));
        embedder.Embed(text);
        const int count = 2000;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) embedder.Embed(text);
        sw.Stop();
        Console.WriteLine($"Hashing embedder: {count / sw.Elapsed.TotalSeconds:F0} chunks/s ({Chunker.CountTokens(text)} tokens each, {HashingEmbedder.DefaultDimensions} dimensions)");
    }
}
