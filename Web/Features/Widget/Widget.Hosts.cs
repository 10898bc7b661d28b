namespace Parley.Features.Widget;

/// <summary>The customer sites the widget belongs to: its verified domains decide framing, postMessage origins and a conversation's site.</summary>
public partial class WidgetModel
{
    /// <summary>The bot's verified hosts: needed only where framing is decided (the page) and a conversation's site recorded (send).</summary>
    private async Task LoadHostsAsync(CancellationToken ct) =>
        AllowedHosts = await db.BotDomains.Where(d => d.ChatbotId == Bot.Id)
            .Join(db.Domains.Where(d => d.Status == Domains.DomainStatus.Verified), b => b.DomainId, d => d.Id, (b, d) => d.Host).ToListAsync(ct);

    /// <summary>Where the widget may be framed: the bot's verified domains (and www.), plus localhost while developing.</summary>
    public IEnumerable<string> FrameAncestors()
    {
        var list = new List<string>();
        foreach (var host in AllowedHosts)
        {
            list.Add($"https://{host}");
            if (!host.StartsWith("www.")) list.Add($"https://www.{host}");
            if (env.IsDevelopment()) list.Add($"http://{host}:*");
        }
        if (env.IsDevelopment()) list.Add("http://localhost:*");
        return list.Count == 0 ? ["'none'"] : list;
    }

    /// <summary>Whether a page on this origin may show the widget (the framing list, "scheme://host:*" meaning any port).</summary>
    public bool OriginAllowed(string origin) => FrameAncestors().Any(o => o == origin ||
        (o.EndsWith(":*") && origin.StartsWith(o[..^1], StringComparison.Ordinal) && origin[(o.Length - 1)..].All(char.IsAsciiDigit) && origin.Length > o.Length - 1) ||
        (o.EndsWith(":*") && origin == o[..^2]));

    /// <summary>The full origins (scheme, host, port) a parent page may have, for the iframe's postMessage check: the framing list itself.</summary>
    public IEnumerable<string> ParentOrigins() => FrameAncestors().Where(o => o != "'none'");

    private string? DomainOf(string? pageUrl)
    {
        if (!Uri.TryCreate(pageUrl, UriKind.Absolute, out var url)) return null;
        var host = url.IdnHost.ToLowerInvariant();
        return AllowedHosts.FirstOrDefault(h => h == host || "www." + h == host);
    }

    private static string? SafeUrl(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u.AbsoluteUri : null;
}
