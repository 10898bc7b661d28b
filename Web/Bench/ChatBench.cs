using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Parley.Features.Plans;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Bench;

/// <summary>
/// The widget and chat pipeline on the real app (Kestrel on loopback, SQLite, extractive answerer with no typing
/// delay): what a visitor downloads, server time to the first SSE event at 10k passages, and answers per second.
/// </summary>
public static partial class ChatBench
{
    [GeneratedRegex("sse-connect=\"([^\"]+)\"")]
    private static partial Regex Stream();

    public static async Task RunAsync(int chunks, bool quick)
    {
        await using var host = await BenchHost.StartAsync("chat", new() { ["Parley:Chat:ExtractiveWordDelayMs"] = "0" });
        var (app, port) = (host.App, host.Port);
        var (tenant, botId) = await RetrievalBench.SeedAsync(app.Services, chunks, "chatbench");
        string publicId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
            var plan = await db.Plans.FirstAsync(p => p.Code == PlanCatalog.Premium);
            var limits = plan.Limits.Copy();
            limits.MessagesPerMonth = int.MaxValue;
            limits.VisitorMessagesPerMinute = 1_000_000;
            db.Subscriptions.Add(new Subscription { PlanId = plan.Id, Limits = limits, CurrentPeriodStart = DateTimeOffset.UtcNow, CurrentPeriodEnd = DateTimeOffset.UtcNow.AddMonths(1) });
            await db.SaveChangesAsync();
            publicId = await db.Chatbots.Where(b => b.Id == botId).Select(b => b.PublicId).FirstAsync();
        }
        var http = host.Client(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        var widget = $"/widget/{publicId}";

        // What a visitor downloads: the loader on every page; the widget's first view when they open it.
        var embed = await GzipAsync(http, "/embed.js");
        var shell = await http.GetStringAsync(widget);
        var assets = Regex.Matches(shell, "(?:src|href)=\"(/[^\"]+\\.(?:js|css)[^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        var token = await SessionAsync(http, widget);
        var home = await SendAsync(http, HttpMethod.Get, $"{widget}?handler=Home", token, null);
        var firstView = Gzip(shell) + Gzip(await home.Content.ReadAsStringAsync());
        foreach (var asset in assets) firstView += await GzipAsync(http, asset);
        Console.WriteLine($"Widget: embed.js {embed / 1024.0:F1} KB gzipped (budget 3 KB); first view {firstView / 1024.0:F1} KB gzipped in total, {assets.Count} assets (budget 40 KB)");

        // Server time to the first SSE event: send, then open the stream; timed from opening the stream.
        var random = new Random(11);
        var firsts = new List<double>();
        var totals = new List<double>();
        using var commands = new DbCommandCounter();
        long before = 0;
        for (var i = 0; i < (quick ? 60 : 220); i++)
        {
            if (i == 20) before = commands.Count;
            var question = $"how do I {RetrievalBench.ContentWord(random)} my {RetrievalBench.ContentWord(random)} {RetrievalBench.ContentWord(random)}?";
            var (first, total) = await AskAsync(http, widget, token, question);
            if (i >= 20) { firsts.Add(first); totals.Add(total); }
        }
        var perQuestion = (commands.Count - before) / (double)firsts.Count;
        firsts.Sort();
        totals.Sort();
        Console.WriteLine($"Chat at {chunks:N0} passages: first SSE event p50 {firsts[firsts.Count / 2]:F1} ms, p95 {firsts[(int)(firsts.Count * 0.95)]:F1} ms (retrieval + prompt + first words; budget p95 25 ms at 100k); whole answer p50 {totals[totals.Count / 2]:F1} ms; {perQuestion:F1} database commands per question (send + answer stream)");

        // Idle live streams: visitors with the widget open and nothing happening.
        await IdleStreamsAsync(app, http, widget, tenant, botId, quick ? 500 : 10_000);

        // Answers per second with visitors in parallel.
        foreach (var parallel in new[] { 8, 32 })
        {
            var tokens = new List<string>();
            for (var v = 0; v < parallel; v++) tokens.Add(await SessionAsync(http, widget));
            var done = 0;
            var sw = Stopwatch.StartNew();
            var until = TimeSpan.FromSeconds(quick ? 3 : 8);
            await Task.WhenAll(tokens.Select(async (t, v) =>
            {
                var r = new Random(v);
                while (sw.Elapsed < until)
                {
                    await AskAsync(http, widget, t, $"what about {RetrievalBench.ContentWord(r)} and {RetrievalBench.ContentWord(r)}?");
                    Interlocked.Increment(ref done);
                }
            }));
            Console.WriteLine($"Chat throughput: {done / sw.Elapsed.TotalSeconds:F0} answered messages/s with {parallel} visitors at once ({Environment.ProcessorCount} cores, each answer stored and counted)");
        }
    }

    /// <summary>
    /// Holds N live streams open at once and reports the server's memory for them. The streams are opened by a second
    /// process (this program with "bench-streams"), so the figures are the server's alone and each side has its own
    /// file descriptors.
    /// </summary>
    private static async Task IdleStreamsAsync(WebApplication app, HttpClient http, string widget, Parley.Features.Workspaces.Tenant tenant, Guid botId, int count)
    {
        var tokens = new List<string>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
            for (var i = 0; i < count; i++)
            {
                var token = Parley.Features.Chat.Visitor.NewToken();
                tokens.Add(token);
                db.Visitors.Add(new Parley.Features.Chat.Visitor { ChatbotId = botId, TokenHash = Parley.Features.Chat.Visitor.Hash(token), CreatedAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow });
            }
            await db.SaveChangesAsync();
        }
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file, tokens);
        var hub = app.Services.GetRequiredService<Parley.Infrastructure.Live.LiveHub>();
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var heapBefore = GC.GetTotalMemory(true);
        var setBefore = Environment.WorkingSet;
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(ChatBench).Assembly.Location);
        foreach (var a in new[] { "bench-streams", http.BaseAddress!.ToString(), http.DefaultRequestHeaders.Host!, widget, file }) start.ArgumentList.Add(a);
        using var client = Process.Start(start)!;
        var sw = Stopwatch.StartNew();
        var ready = await client.StandardOutput.ReadLineAsync();
        while (hub.OpenStreams < count && sw.Elapsed < TimeSpan.FromSeconds(90)) await Task.Delay(50);
        var connected = hub.OpenStreams;
        var openedIn = sw.Elapsed;
        await Task.Delay(2000);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var heap = GC.GetTotalMemory(true) - heapBefore;
        var set = Environment.WorkingSet - setBefore;
        Console.WriteLine($"Idle live streams: {connected:N0} of {count:N0} held open by the server (opened in {openedIn.TotalSeconds:F1} s; client says \"{ready}\"); server memory {heap / (double)Math.Max(1, connected) / 1024:F1} KB managed heap and {set / (double)Math.Max(1, connected) / 1024:F1} KB working set per stream (target 10,000 streams per instance)");
        await client.StandardInput.WriteLineAsync("close");
        client.StandardInput.Close();
        await client.WaitForExitAsync();
        File.Delete(file);
        var wait = Stopwatch.StartNew();
        while (hub.OpenStreams > 0 && wait.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
    }

    /// <summary>The client side of the idle-stream figure, in its own process: opens one live stream per token and holds them until told.</summary>
    public static async Task HoldStreamsAsync(string baseUrl, string host, string widget, string tokensFile)
    {
        var tokens = await File.ReadAllLinesAsync(tokensFile);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = tokens.Length + 10 }) { BaseAddress = new Uri(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Host = host;
        using var gate = new SemaphoreSlim(100);
        var failed = 0;
        var responses = await Task.WhenAll(tokens.Select(async (t, i) =>
        {
            await gate.WaitAsync();
            try
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"{widget}/live?tab=bench{i}");
                request.Headers.Add("X-Parley-Visitor", t);
                return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            }
            catch (HttpRequestException) { Interlocked.Increment(ref failed); return null; }
            finally { gate.Release(); }
        }));
        Console.WriteLine($"{responses.Count(r => r?.IsSuccessStatusCode == true)} open, {failed} failed");
        await Console.In.ReadLineAsync();
        foreach (var r in responses) r?.Dispose();
    }

    internal static async Task<(double FirstEventMs, double TotalMs)> AskAsync(HttpClient http, string widget, string token, string question)
    {
        var sent = await SendAsync(http, HttpMethod.Post, $"{widget}?handler=Send", token, new Dictionary<string, string> { ["text"] = question });
        var html = await sent.Content.ReadAsStringAsync();
        var url = System.Net.WebUtility.HtmlDecode(Stream().Match(html).Groups[1].Value);
        var sw = Stopwatch.StartNew();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double first = -1;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ") && first < 0) first = sw.Elapsed.TotalMilliseconds;
            if (line == "event: done") break;
        }
        await reader.ReadToEndAsync();
        return (first, sw.Elapsed.TotalMilliseconds);
    }

    internal static async Task<string> SessionAsync(HttpClient http, string widget)
    {
        var r = await SendAsync(http, HttpMethod.Post, $"{widget}?handler=Session", null, []);
        return System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, string? token, Dictionary<string, string>? form)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Origin", $"http://{http.DefaultRequestHeaders.Host}");
        request.Headers.Add("HX-Request", "true");
        if (token is not null) request.Headers.Add("X-Parley-Visitor", token);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response;
    }

    private static async Task<long> GzipAsync(HttpClient http, string url) => Gzip(await http.GetByteArrayAsync(url));
    private static long Gzip(string text) => Gzip(System.Text.Encoding.UTF8.GetBytes(text));

    private static long Gzip(byte[] bytes)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(bytes);
        return ms.Length;
    }
}
