using System.Diagnostics;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.FileProviders;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Tenancy;

namespace Parley.Bench;

/// <summary>
/// Answer quality on a real documentation site: the Python 3.11 docs (Debian's python3.11-doc) served on loopback,
/// crawled by the product at its default settings, then asked the questions of AnswerEval.questions.tsv through the
/// widget. Prints retrieval@1 and @5 (an expected page among the top passages), answers citing an expected page and
/// answers holding the key fact, beside a plain BM25 baseline over ~500-word chunks of the same pages.
/// </summary>
public static class AnswerEval
{
    public const string DefaultDocs = "/usr/share/doc/python3.11/html";

    public sealed record Question(string Text, IReadOnlyList<string> Pages, Regex Fact);

    /// <summary>
    /// What one run measured, for the bench table and for the test that keeps Parley above the baseline: Parley as soon
    /// as the crawl is done (keywords and hashing vectors), and once the sentence model has read every passage (null when
    /// that is switched off), with the time that reading took.
    /// </summary>
    public sealed record Result(int Questions, int PagesIndexed, int Passages, TimeSpan Crawl, Score AtOnce, Score? Read, TimeSpan? Reading, Score Baseline, IReadOnlyList<string> Misses)
    {
        public Score Parley => Read ?? AtOnce;
    }

    public sealed record Score(int At1, int At5, int Cited, int Fact);

    public static IReadOnlyList<Question> Questions()
    {
        using var stream = typeof(AnswerEval).Assembly.GetManifestResourceStream("Parley.Bench.AnswerEval.questions.tsv")!;
        using var reader = new StreamReader(stream);
        var list = new List<Question>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            var parts = line.Split('\t');
            list.Add(new Question(parts[0], parts[1].Split(','), new Regex(parts[2], RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)));
        }
        return list;
    }

    public static async Task RunAsync(string? docs, bool verbose, bool noPoliteness = false)
    {
        docs ??= Environment.GetEnvironmentVariable("PARLEY_EVAL_DOCS") ?? DefaultDocs;
        if (!File.Exists(Path.Combine(docs, "index.html")))
        {
            Console.WriteLine($"Answer quality: skipped, no documentation at {docs} (apt-get install python3.11-doc)");
            return;
        }
        var r = await EvaluateAsync(docs, noPoliteness ? new() { ["Parley:Crawl:DelayMilliseconds"] = "0", ["Parley:Crawl:Concurrency"] = "8" } : null);
        var n = (double)r.Questions;
        string Pct(int x) => $"{x,3} ({x / n,4:P0})";
        Console.WriteLine($"Answer quality, Python 3.11 docs: {r.PagesIndexed} pages ({r.Passages:N0} passages) crawled at {(noPoliteness ? "8 in flight, no delay" : "default settings")} in {r.Crawl.TotalSeconds:F0} s (target < 120 s)" +
            (r.Reading is { } t ? $", read for meaning in the background in {t.TotalSeconds:F0} s more" : "") + $"; {r.Questions} questions");
        var read = r.Read is null ? "" : "once read";
        Console.WriteLine($"  {"",-28}{"Parley at once",-16}{read,-16}{"BM25 chunks",-14}");
        string Row(Func<Score, int> f, bool baseline) => $"{Pct(f(r.AtOnce)),-16}{(r.Read is { } x ? Pct(f(x)) : ""),-16}{(baseline ? Pct(f(r.Baseline)) : ""),-14}";
        Console.WriteLine($"  {"retrieval@1",-28}{Row(s => s.At1, true)}");
        Console.WriteLine($"  {"retrieval@5",-28}{Row(s => s.At5, true)}");
        Console.WriteLine($"  {"answer cites expected page",-28}{Row(s => s.Cited, false)}");
        Console.WriteLine($"  {"answer holds the key fact",-28}{Row(s => s.Fact, false)}");
        if (verbose) foreach (var miss in r.Misses) Console.WriteLine("  " + miss);
    }

    /// <summary>
    /// Crawls the docs into a fresh bot and asks every question. <paramref name="settings"/> override the app's settings
    /// (a test turns politeness off; the bench keeps the defaults so the crawl time is what a customer waits).
    /// </summary>
    public static async Task<Result> EvaluateAsync(string docs, Dictionary<string, string?>? settings)
    {
        var questions = Questions();
        var site = WebApplication.CreateSlimBuilder();
        site.WebHost.UseUrls("http://127.0.0.1:0");
        site.Logging.ClearProviders();
        var server = site.Build();
        server.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(docs) });
        await server.StartAsync();
        var port = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        try
        {
            var all = new Dictionary<string, string?>
            {
                ["Parley:Outbound:AllowLoopback"] = "true",
                ["Parley:Outbound:ExtraPorts:0"] = port.ToString(),
                ["Parley:Chat:ExtractiveWordDelayMs"] = "0",
            };
            foreach (var (k, v) in settings ?? []) all[k] = v;
            await using var host = await BenchHost.StartAsync("eval", all);
            var (tenant, bot) = await SeedAsync(host.App.Services);
            var crawl = await CrawlAsync(host.App.Services, tenant, bot, $"http://127.0.0.1:{port}/index.html");

            var http = host.Client();
            var widget = $"/widget/{bot.PublicId}";
            var misses = new List<string>();
            async Task<Score> AskAllAsync(string phase)
            {
                var parley = new List<(int Rank, bool Cited, bool Fact)>();
                foreach (var q in questions)
                {
                    var rank = await RankAsync(host.App.Services, tenant, bot.Id, q);
                    var token = await ChatBench.SessionAsync(http, widget);
                    await ChatBench.AskAsync(http, widget, token, q.Text);
                    var (answer, cited) = await AnswerAsync(host.App.Services, tenant, bot.Id);
                    var citesExpected = cited.Any(u => Expected(q, u));
                    var fact = q.Fact.IsMatch(answer);
                    parley.Add((rank, citesExpected, fact));
                    if (rank != 1 || !citesExpected || !fact)
                        misses.Add($"{phase} {(rank == 0 ? "-" : rank.ToString())} {(citesExpected ? "cited" : "     ")} {(fact ? "fact" : "    ")}  {q.Text} → {Shorten(answer.Replace('\n', ' '), 160)}");
                }
                return new Score(parley.Count(p => p.Rank == 1), parley.Count(p => p.Rank is >= 1 and <= 5), parley.Count(p => p.Cited), parley.Count(p => p.Fact));
            }
            var atOnce = await AskAllAsync("at once");
            var (passages, reading) = await ReadingAsync(host.App.Services, tenant, bot.Id);
            var read = reading is null ? null : await AskAllAsync("read");
            var baseline = Bm25Baseline.Rank(docs, await IndexedPagesAsync(host.App.Services, tenant, bot.Id), questions);
            return new Result(questions.Count, crawl.Pages, passages, crawl.Time, atOnce, read, reading,
                new Score(baseline.Count(b => b == 1), baseline.Count(b => b is >= 1 and <= 5), 0, 0), misses);
        }
        finally
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }

    /// <summary>Waits for the background sentence model to read every passage; null time when it does not run.</summary>
    private static async Task<(int Passages, TimeSpan? Reading)> ReadingAsync(IServiceProvider services, Tenant tenant, Guid botId)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var (total, unread, on, version) = await InTenantAsync(services, tenant, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var on = MeaningJob.Applies(sp.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(),
                    sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SearchOptions>>().Value);
                return (await db.Chunks.CountAsync(c => c.ChatbotId == botId), await db.Chunks.CountAsync(c => c.ChatbotId == botId && c.Meaning == null), on,
                    await db.Chatbots.Where(b => b.Id == botId).Select(b => b.KnowledgeVersion).FirstAsync());
            });
            if (!on) return (total, null);
            if (unread == 0)
            {
                // The job moves the bot's knowledge version once it finds nothing left: from then a search reloads every passage's meaning.
                for (var i = 0; i < 50 && await InTenantAsync(services, tenant, sp => sp.GetRequiredService<AppDbContext>().Chatbots.Where(b => b.Id == botId).Select(b => b.KnowledgeVersion).FirstAsync()) == version; i++)
                    await Task.Delay(200);
                return (total, sw.Elapsed);
            }
            if (sw.Elapsed > TimeSpan.FromMinutes(30)) throw new TimeoutException("Reading passages for meaning took over 30 minutes.");
            await Task.Delay(1000);
        }
    }

    /// <summary>Work inside the evaluation's workspace, in a scope of its own (the app's <see cref="TenantScopes"/>).</summary>
    private static Task<T> InTenantAsync<T>(IServiceProvider services, Tenant tenant, Func<IServiceProvider, Task<T>> work) =>
        services.GetRequiredService<TenantScopes>().RunAsync(tenant, work);

    private static bool Expected(Question q, string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var u) && q.Pages.Contains(u.AbsolutePath.TrimStart('/'));

    private static async Task<(Tenant, Chatbot)> SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = new Tenant { Name = "Python docs", Slug = "pydocs" };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync();
        using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
        var plan = await db.Plans.FirstAsync(p => p.Code == PlanCatalog.Premium);
        var limits = plan.Limits.Copy();
        (limits.MessagesPerMonth, limits.VisitorMessagesPerMinute, limits.Pages) = (int.MaxValue, 1_000_000, 5_000);
        db.Subscriptions.Add(new Subscription { PlanId = plan.Id, Limits = limits, CurrentPeriodStart = DateTimeOffset.UtcNow, CurrentPeriodEnd = DateTimeOffset.UtcNow.AddMonths(1) });
        var bot = new Chatbot { Name = "Python docs", CreatedAt = DateTimeOffset.UtcNow };
        db.Chatbots.Add(bot);
        await db.SaveChangesAsync();
        // Saving the subscription moved the workspace's cache version: read it again, as the next request would.
        return (await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == tenant.Id), bot);
    }

    /// <summary>Adds the site as a website source, as the Knowledge page does, and waits for its training to end.</summary>
    private static async Task<(int Pages, TimeSpan Time)> CrawlAsync(IServiceProvider services, Tenant tenant, Chatbot bot, string start)
    {
        var sw = Stopwatch.StartNew();
        var sourceId = await InTenantAsync(services, tenant, async sp =>
        {
            var (source, problem) = await sp.GetRequiredService<SourceService>().AddWebsiteAsync(bot, new WebsiteInput(start, false, 5, 5_000, null, null, false), default);
            return source?.Id ?? throw new InvalidOperationException(problem);
        });
        while (true)
        {
            await Task.Delay(250);
            var source = await InTenantAsync(services, tenant, sp => sp.GetRequiredService<AppDbContext>().Sources.AsNoTracking().FirstAsync(s => s.Id == sourceId));
            if (source.Status == SourceStatus.Ready) return (source.Pages, sw.Elapsed);
            if (source.Status == SourceStatus.Failed) throw new InvalidOperationException($"The crawl failed: {source.Error}");
            if (sw.Elapsed > TimeSpan.FromMinutes(15)) throw new TimeoutException("The crawl took over 15 minutes.");
        }
    }

    /// <summary>Where the first passage of an expected page ranks among the top 5 passages (0 when none is there).</summary>
    private static async Task<int> RankAsync(IServiceProvider services, Tenant tenant, Guid botId, Question q)
    {
        var hits = await InTenantAsync(services, tenant, sp => sp.GetRequiredService<ISearchIndex>().SearchAsync(botId, q.Text, 5, default));
        var at = hits.Select((h, i) => (h, i)).FirstOrDefault(x => Expected(q, x.h.Url));
        return at.h is null ? 0 : at.i + 1;
    }

    private static async Task<(string Answer, List<string?> Cited)> AnswerAsync(IServiceProvider services, Tenant tenant, Guid botId)
    {
        var answer = await InTenantAsync(services, tenant, sp => sp.GetRequiredService<AppDbContext>().Messages.AsNoTracking()
            .Where(m => m.ChatbotId == botId && m.Role == MessageRole.Assistant).OrderByDescending(m => m.Id).FirstAsync());
        return (answer.Content, ChatService.SourcesOf(answer).Select(s => s.Url).ToList());
    }

    private static Task<List<string>> IndexedPagesAsync(IServiceProvider services, Tenant tenant, Guid botId) =>
        InTenantAsync(services, tenant, sp => sp.GetRequiredService<AppDbContext>().SourcePages.AsNoTracking().Where(p => p.Status == PageStatus.Indexed).Select(p => p.Url).ToListAsync());

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

/// <summary>
/// The baseline: each page's whole body text (no cleaning), cut into 500-word chunks, ranked by Okapi BM25 (k1 1.2,
/// b 0.75) over lowercased words with statistics of these pages only. What a plain search library does out of the box.
/// </summary>
public static class Bm25Baseline
{
    private const double K1 = 1.2, B = 0.75;
    private const int ChunkWords = 500;

    /// <summary>For each question, where the first chunk of an expected page ranks among the top 5 (0 when none is there).</summary>
    public static List<int> Rank(string docs, IReadOnlyList<string> pageUrls, IReadOnlyList<AnswerEval.Question> questions)
    {
        var chunks = new List<(string Page, Dictionary<string, int> Tf, int Length)>();
        var parser = new HtmlParser();
        foreach (var url in pageUrls)
        {
            var page = new Uri(url).AbsolutePath.TrimStart('/');
            var file = Path.Combine(docs, page);
            if (!File.Exists(file)) continue;
            var words = KeywordText.Words(parser.ParseDocument(File.ReadAllText(file)).Body?.TextContent ?? "").ToList();
            for (var i = 0; i < words.Count; i += ChunkWords)
            {
                var slice = words.Skip(i).Take(ChunkWords).ToList();
                chunks.Add((page, slice.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count()), slice.Count));
            }
        }
        var df = new Dictionary<string, int>();
        foreach (var c in chunks) foreach (var w in c.Tf.Keys) df[w] = df.GetValueOrDefault(w) + 1;
        var avg = chunks.Average(c => c.Length);
        var ranks = new List<int>();
        foreach (var q in questions)
        {
            var terms = KeywordText.Words(q.Text).Distinct().ToList();
            var top = chunks.Select(c => (c.Page, Score: terms.Sum(t =>
            {
                if (!c.Tf.TryGetValue(t, out var tf)) return 0;
                var idf = Math.Log(1 + (chunks.Count - df[t] + 0.5) / (df[t] + 0.5));
                return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * c.Length / avg));
            }))).Where(x => x.Score > 0).OrderByDescending(x => x.Score).Take(5).ToList();
            var at = top.FindIndex(x => q.Pages.Contains(x.Page));
            ranks.Add(at + 1);
        }
        return ranks;
    }
}
