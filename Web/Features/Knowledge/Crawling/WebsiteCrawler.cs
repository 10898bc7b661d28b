using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Options;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Sources;
using Parley.Infrastructure.Outbound;

namespace Parley.Features.Knowledge.Crawling;

public class CrawlOptions
{
    public const string Section = "Parley:Crawl";
    /// <summary>Requests in flight to one site at the start; fewer after 429/503 or slow answers (<see cref="CrawlPace"/>).</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>Least time between two requests' starts to one site; robots.txt's Crawl-delay wins when longer.</summary>
    public int DelayMilliseconds { get; set; } = 50;
    /// <summary>An answer slower than this takes one request in flight off.</summary>
    public int SlowResponseMilliseconds { get; set; } = 3_000;
    /// <summary>Further tries of a page after a transient failure (connection error, 429, 5xx); a timeout is tried once more at most.</summary>
    public int Retries { get; set; } = 2;
    /// <summary>The first retry's wait, doubled for each next one (a site's Retry-After wins, up to 30 s).</summary>
    public int RetryDelayMilliseconds { get; set; } = 1_000;
    public int MaxDepth { get; set; } = 5;
    public int MaxPagesPerSource { get; set; } = 5_000;
    public int MaxSitemaps { get; set; } = 50;
    /// <summary>Skipped pages reported per crawl; beyond this they are only counted.</summary>
    public int MaxReported { get; set; } = 500;
    public string UserAgent { get; set; } = "ParleyBot/1.0 (+https://parley.chat/bot)";
}

public sealed record CrawlRequest(Uri Start, bool IsSitemap, int MaxDepth, int MaxPages, IReadOnlyList<string> Include, IReadOnlyList<string> Exclude)
{
    public static IReadOnlyList<string> Patterns(string? lines) =>
        (lines ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

public abstract record CrawlOutcome(string Url)
{
    /// <summary>How many times the page was fetched again after a transient failure.</summary>
    public int Retries { get; init; }
}
/// <summary>A page to index: its canonical URL, title and main text.</summary>
public sealed record PageFound(string Url, string Title, ExtractedDocument Document) : CrawlOutcome(Url);
/// <summary>A page left out, and why, for the source's page report.</summary>
public sealed record PageLeftOut(string Url, PageStatus Status, string Reason) : CrawlOutcome(Url);

/// <summary>
/// Crawls one site through SafeHttp: a start page followed by its links to a depth, or the pages a sitemap (or
/// sitemap index) lists. Stays on the start's host (www. or not), obeys robots.txt and noindex/nofollow, keeps
/// a polite pace, honours include/exclude path patterns, and drops duplicates by canonical URL and by content.
/// Every page that is not indexed is reported with a reason; a page that hangs or never ends is cut off by
/// SafeHttp's time and size caps and reported, and the crawl goes on.
/// </summary>
public sealed class WebsiteCrawler(SafeHttp http, IOptions<CrawlOptions> options, ILogger<WebsiteCrawler> log)
{
    public async IAsyncEnumerable<CrawlOutcome> CrawlAsync(CrawlRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var o = options.Value;
        var site = SiteOf(request.Start);
        var robots = await RobotsAsync(request.Start, ct);
        var pace = new CrawlPace(o, robots.CrawlDelay);
        var include = request.Include.Select(Glob).ToList();
        var exclude = request.Exclude.Select(Glob).ToList();
        var maxDepth = Math.Clamp(request.MaxDepth, 0, o.MaxDepth);
        var maxPages = Math.Clamp(request.MaxPages, 1, o.MaxPagesPerSource);

        var seen = new HashSet<string>();
        var indexed = new HashSet<string>();
        var hashes = new Dictionary<string, string>();
        var frontier = new List<Uri>();
        var reported = 0;
        var found = 0;
        if (request.IsSitemap)
        {
            var (urls, problem) = await SitemapAsync(request.Start, ct);
            if (problem is not null) { yield return new PageLeftOut(Key(request.Start), PageStatus.Failed, problem); yield break; }
            frontier.AddRange(urls.Where(u => SiteOf(u) == site));
            maxDepth = 0; // a sitemap lists the pages; its pages' links are not followed
        }
        else frontier.Add(request.Start);
        foreach (var u in frontier) seen.Add(Key(u));

        // Pages are fetched ahead (as the pace allows) but taken in frontier order, so duplicates and limits are
        // decided the same way on every run; fetches no longer needed are cancelled when the crawl ends.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pending = new List<Task<Visit>>();
        try
        {
            for (var depth = 0; frontier.Count > 0 && found < maxPages; depth++)
            {
                var next = new List<Uri>();
                pending.Clear();
                for (var i = 0; i < frontier.Count && found < maxPages; i++)
                {
                    while (pending.Count < frontier.Count && pending.Count < i + LookAhead)
                        pending.Add(VisitAsync(frontier[pending.Count], site, robots, pace, include, exclude, stop.Token));
                    var visit = await pending[i];
                    if (visit.Outcome is PageFound page)
                    {
                        var hash = Hash(page.Document);
                        if (!indexed.Add(page.Url))
                            // Reached again under another address: report that address, unless it is the canonical one itself.
                            visit.Outcome = Key(visit.Requested) == page.Url ? null
                                : new PageLeftOut(Key(visit.Requested), PageStatus.Skipped, $"Same page as {page.Url} (canonical URL).");
                        else if (hashes.TryGetValue(hash, out var twin) && twin != page.Url)
                            visit.Outcome = new PageLeftOut(page.Url, PageStatus.Skipped, $"Same text as {twin}.");
                        else
                        {
                            hashes[hash] = page.Url;
                            found++;
                        }
                    }
                    if (visit.Outcome is PageLeftOut && ++reported > o.MaxReported) visit.Outcome = null;
                    if (visit.Outcome is { } outcome) yield return outcome with { Retries = visit.Retries };
                    if (depth < maxDepth)
                        foreach (var link in visit.Links)
                            if (SiteOf(link) == site && seen.Add(Key(link))) next.Add(link);
                }
                frontier = next;
            }
        }
        finally
        {
            await stop.CancelAsync();
            try { await Task.WhenAll(pending); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Pages fetched ahead of the one being taken: enough to keep the pace's requests in flight busy.</summary>
    private const int LookAhead = 16;

    private sealed class Visit(Uri requested)
    {
        public Uri Requested { get; } = requested;
        public int Retries { get; set; }
        public CrawlOutcome? Outcome { get; set; }
        public List<Uri> Links { get; } = [];
    }

    private async Task<Visit> VisitAsync(Uri url, string site, RobotsTxt robots, CrawlPace pace, List<Regex> include, List<Regex> exclude, CancellationToken ct)
    {
        var visit = new Visit(url);
        var key = Key(url);
        if (!robots.Allows(url)) { visit.Outcome = new PageLeftOut(key, PageStatus.Skipped, "Blocked by the site's robots.txt."); return visit; }
        if (exclude.FirstOrDefault(r => r.IsMatch(url.PathAndQuery)) is { } ex) { visit.Outcome = new PageLeftOut(key, PageStatus.Skipped, $"Matches the exclude pattern {Pattern(ex)}."); return visit; }
        var (response, problem) = await FetchAsync(url, pace, visit, ct);
        if (response is null) { visit.Outcome = new PageLeftOut(key, PageStatus.Failed, problem!); return visit; }
        if (SiteOf(response.FinalUrl) != site) { visit.Outcome = new PageLeftOut(key, PageStatus.Skipped, $"Redirects off the site, to {response.FinalUrl.Host}."); return visit; }
        if (response.Status != HttpStatusCode.OK) { visit.Outcome = new PageLeftOut(key, PageStatus.Failed, $"The site answered HTTP {(int)response.Status}{(response.Status == HttpStatusCode.NotFound ? " (not found)" : "")}."); return visit; }
        var type = response.ContentType ?? "text/html";
        if (type is not ("text/html" or "application/xhtml+xml" or "text/plain"))
        {
            visit.Outcome = new PageLeftOut(key, PageStatus.Skipped, $"Not a web page ({type}). Upload documents as files.");
            return visit;
        }
        if (type == "text/plain")
        {
            visit.Outcome = Found(Key(response.FinalUrl), url.AbsolutePath, HtmlAndTextExtractor.Text(response.Body));
            return visit;
        }

        var doc = new HtmlParser().ParseDocument(response.Body);
        var robotsMeta = string.Join(",", doc.QuerySelectorAll("meta[name=robots i], meta[name=parleybot i]").Select(m => m.GetAttribute("content") ?? "")).ToLowerInvariant();
        var baseUrl = response.FinalUrl;
        if (doc.QuerySelector("base[href]")?.GetAttribute("href") is { } b && Uri.TryCreate(baseUrl, b, out var based)) baseUrl = based;
        if (!robotsMeta.Contains("nofollow"))
            foreach (var a in doc.QuerySelectorAll("a[href]"))
            {
                if ((a.GetAttribute("rel") ?? "").Contains("nofollow", StringComparison.OrdinalIgnoreCase)) continue;
                if (Uri.TryCreate(baseUrl, a.GetAttribute("href"), out var link) && link.Scheme is "http" or "https")
                    visit.Links.Add(new UriBuilder(link) { Fragment = "" }.Uri);
            }
        var canonical = response.FinalUrl;
        if (doc.QuerySelector("link[rel=canonical i][href]")?.GetAttribute("href") is { } c && Uri.TryCreate(response.FinalUrl, c, out var cu) && SiteOf(cu) == site)
            canonical = cu;
        if (robotsMeta.Contains("noindex")) { visit.Outcome = new PageLeftOut(Key(canonical), PageStatus.Skipped, "The page asks not to be indexed (noindex)."); return visit; }
        if (include.Count > 0 && !include.Any(r => r.IsMatch(canonical.PathAndQuery)))
        {
            visit.Outcome = new PageLeftOut(Key(canonical), PageStatus.Skipped, "Not in the include patterns (its links were followed).");
            return visit;
        }
        var extracted = HtmlAndTextExtractor.Html(doc);
        if (extracted.IsEmpty) { visit.Outcome = new PageLeftOut(Key(canonical), PageStatus.Skipped, "No main text on the page."); return visit; }
        visit.Outcome = Found(Key(canonical), extracted.Title ?? canonical.AbsolutePath, extracted);
        return visit;
    }

    /// <summary>
    /// Fetches a page at the pace's speed, trying again after a transient failure (connection reset or refused, an
    /// answer cut short, 429, 5xx, a timeout) with a growing wait or the site's Retry-After. Null with the reason when
    /// it cannot be had; a page refused by SafeHttp (an address it never fetches, too large) is not tried again.
    /// </summary>
    private async Task<(SafeHttp.Page? Page, string? Problem)> FetchAsync(Uri url, CrawlPace pace, Visit visit, CancellationToken ct)
    {
        var o = options.Value;
        for (var attempt = 0; ; attempt++)
        {
            SafeHttp.Page? page = null;
            string? problem = null;
            var timedOut = false;
            using (await pace.EnterAsync(ct))
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                try { page = await http.GetStringAsync(url, ct); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { (problem, timedOut) = ("The page took too long to load and was cut off.", true); }
                catch (OutboundRequestRefusedException e) { return (null, e.Message); }
                catch (HttpRequestException e) { problem = $"Could not be fetched: {e.Message}"; }
                pace.Record(page?.Status, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            var status = page is null ? 0 : (int)page.Status;
            if (page is not null && status is not (429 or 500 or 502 or 503 or 504)) return (page, null);
            if (attempt >= (timedOut ? Math.Min(1, o.Retries) : o.Retries))
                return (null, (problem ?? $"The site answered HTTP {status}{(status == 429 ? " (too many requests)" : "")}.") + (attempt > 0 ? $" Tried {attempt + 1} times." : ""));
            visit.Retries = attempt + 1;
            var wait = page?.RetryAfter ?? TimeSpan.FromMilliseconds(o.RetryDelayMilliseconds * Math.Pow(2, attempt) * (0.8 + Random.Shared.NextDouble() * 0.4));
            if (wait > CrawlPace.MaxGap) wait = CrawlPace.MaxGap;
            if (page?.RetryAfter is not null) pace.Pause(wait);
            log.LogInformation("Retrying {Url} in {Wait} ms: {Problem}", url, (int)wait.TotalMilliseconds, problem ?? $"HTTP {status}");
            await Task.Delay(wait, ct);
        }
    }

    private static PageFound Found(string url, string title, ExtractedDocument doc) => new(url, title.Length > 500 ? title[..500] : title, doc);

    private async Task<RobotsTxt> RobotsAsync(Uri start, CancellationToken ct)
    {
        var o = options.Value;
        try
        {
            var page = await http.GetStringAsync(new Uri(start, "/robots.txt"), ct);
            return page.Status == HttpStatusCode.OK ? RobotsTxt.Parse(page.Body, o.UserAgent.Split('/')[0]) : RobotsTxt.AllowAll;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            log.LogInformation("No robots.txt for {Host}: {Reason}", start.Host, e.Message);
            return RobotsTxt.AllowAll;
        }
    }

    /// <summary>The page URLs of a sitemap, following sitemap index files; or a readable reason it could not be read.</summary>
    private async Task<(List<Uri> Urls, string? Problem)> SitemapAsync(Uri url, CancellationToken ct)
    {
        var o = options.Value;
        var urls = new List<Uri>();
        var pending = new Queue<Uri>([url]);
        var read = 0;
        while (pending.Count > 0 && read < o.MaxSitemaps && urls.Count < o.MaxPagesPerSource)
        {
            var current = pending.Dequeue();
            read++;
            SafeHttp.Page page;
            try { page = await http.GetStringAsync(current, ct); }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                if (current == url) return ([], $"The sitemap could not be fetched: {e.Message}");
                continue;
            }
            if (page.Status != HttpStatusCode.OK)
            {
                if (current == url) return ([], $"The sitemap answered HTTP {(int)page.Status}.");
                continue;
            }
            try
            {
                var xml = new XmlDocument { XmlResolver = null };
                using (var reader = XmlReader.Create(new StringReader(page.Body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
                    xml.Load(reader);
                var root = xml.DocumentElement!;
                foreach (XmlElement entry in root.ChildNodes.OfType<XmlElement>())
                {
                    var loc = entry.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == "loc")?.InnerText.Trim();
                    if (loc is null || !Uri.TryCreate(loc, UriKind.Absolute, out var u)) continue;
                    if (root.LocalName == "sitemapindex") pending.Enqueue(u);
                    else urls.Add(u);
                }
                if (root.LocalName is not ("urlset" or "sitemapindex") && current == url)
                    return ([], "This is not a sitemap: it has no <urlset> or <sitemapindex>.");
            }
            catch (XmlException e)
            {
                if (current == url) return ([], $"The sitemap is not valid XML ({e.Message}).");
            }
        }
        return (urls.Distinct().ToList(), urls.Count == 0 ? "The sitemap lists no pages." : null);
    }

    /// <summary>The site a URL belongs to: its host without "www.".</summary>
    public static string SiteOf(Uri url)
    {
        var host = url.IdnHost.ToLowerInvariant();
        return (host.StartsWith("www.") ? host[4..] : host) + (url.IsDefaultPort ? "" : ":" + url.Port);
    }

    /// <summary>A URL as pages are told apart: no fragment, lower-case host, no default port.</summary>
    public static string Key(Uri url) => new UriBuilder(url) { Fragment = "", Host = url.Host.ToLowerInvariant(), Port = url.IsDefaultPort ? -1 : url.Port }.Uri.AbsoluteUri;

    private static string Hash(ExtractedDocument doc) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", doc.Sections.Select(s => s.Text)))));

    /// <summary>A path pattern: '*' matches anything, the rest literally, from the start of the path.</summary>
    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern.StartsWith('/') || pattern.StartsWith('*') ? pattern : "/" + pattern).Replace(@"\*", ".*"),
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));

    private static string Pattern(Regex r) => Regex.Unescape(r.ToString()[1..].Replace(".*", "*"));
}
