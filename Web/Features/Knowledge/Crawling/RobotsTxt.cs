using System.Text.RegularExpressions;

namespace Parley.Features.Knowledge.Crawling;

/// <summary>
/// A site's robots.txt as RFC 9309 reads it: the group for our user agent (or "*"), Allow/Disallow rules with
/// '*' and '$', the longest matching rule winning and Allow winning a tie; plus Crawl-delay and Sitemap lines.
/// </summary>
public sealed class RobotsTxt
{
    private readonly List<(bool Allow, string Pattern, Regex Match)> rules = [];
    public TimeSpan? CrawlDelay { get; private set; }
    public List<string> Sitemaps { get; } = [];

    public static readonly RobotsTxt AllowAll = new();

    public static RobotsTxt Parse(string text, string userAgentToken)
    {
        var groups = new List<(List<string> Agents, List<(string Key, string Value)> Lines)>();
        var robots = new RobotsTxt();
        (List<string> Agents, List<(string, string)> Lines)? current = null;
        var lastWasAgent = false;
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (key == "sitemap") { robots.Sitemaps.Add(value); continue; }
            if (key == "user-agent")
            {
                if (!lastWasAgent || current is null) { current = ([], []); groups.Add(current.Value); }
                current.Value.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }
            lastWasAgent = false;
            current?.Lines.Add((key, value));
        }
        var token = userAgentToken.ToLowerInvariant();
        var chosen = groups.Where(g => g.Agents.Any(a => a != "*" && token.Contains(a))).ToList();
        if (chosen.Count == 0) chosen = groups.Where(g => g.Agents.Contains("*")).ToList();
        foreach (var (key, value) in chosen.SelectMany(g => g.Lines))
        {
            if (key is "allow" or "disallow" && value.Length > 0)
                robots.rules.Add((key == "allow", value, Compile(value)));
            else if (key == "crawl-delay" && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                robots.CrawlDelay = TimeSpan.FromSeconds(Math.Min(seconds, 10));
        }
        return robots;
    }

    public bool Allows(Uri url)
    {
        var path = url.PathAndQuery;
        if (path == "/robots.txt") return true;
        (bool Allow, int Length)? best = null;
        foreach (var (allow, pattern, match) in rules)
        {
            if (!match.IsMatch(path)) continue;
            if (best is null || pattern.Length > best.Value.Length || (pattern.Length == best.Value.Length && allow))
                best = (allow, pattern.Length);
        }
        return best?.Allow ?? true;
    }

    private static Regex Compile(string pattern)
    {
        var anchored = pattern.EndsWith('$');
        var body = Regex.Escape(anchored ? pattern[..^1] : pattern).Replace(@"\*", ".*");
        return new Regex("^" + body + (anchored ? "$" : ""), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}
