using Microsoft.Extensions.Options;
using Parley.Infrastructure.Outbound;

namespace Parley.Features.Domains;

public class DomainOptions
{
    public const string Section = "Parley:Domains";

    /// <summary>Checks sites on this port over http instead of 443/80. Tests only, with the port in Outbound:ExtraPorts.</summary>
    public int? CheckPort { get; set; }

    /// <summary>
    /// Development: the port a local site is served on (http), where names under localhost ("shop.localhost") are
    /// checked. Needs Outbound:AllowLoopback and the port in Outbound:ExtraPorts; unset in production.
    /// </summary>
    public int? LocalSitePort { get; set; }

    /// <summary>All the fetches of one check together (file and home page, https then http) end by then: a person is waiting.</summary>
    public int CheckSeconds { get; set; } = 20;
}

/// <summary>Proves control of a domain: the token in /.well-known/parley-verification.txt or in a meta tag on the home page.</summary>
public sealed class DomainVerifier(SafeHttp http, IOptions<DomainOptions> options, TimeProvider clock, ILogger<DomainVerifier> log)
{
    public const string MetaName = "parley-site-verification";
    public const string FilePath = "/.well-known/parley-verification.txt";

    public async Task CheckAsync(Domain domain, CancellationToken requestAborted)
    {
        var problems = new List<string>();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        budget.CancelAfter(TimeSpan.FromSeconds(options.Value.CheckSeconds));
        var ct = budget.Token;
        foreach (var origin in Origins(domain.Host))
        {
            if (ct.IsCancellationRequested) break;
            if (await TryAsync(new Uri(origin + FilePath), body => body.Trim() == domain.VerificationToken, "file", problems, ct)
                || await TryAsync(new Uri(origin + "/"), body => MetaTokens(body).Contains(domain.VerificationToken), "meta tag", problems, ct))
            {
                domain.Status = DomainStatus.Verified;
                domain.VerifiedAt ??= clock.GetUtcNow();
                domain.LastError = null;
                domain.LastCheckedAt = clock.GetUtcNow();
                return;
            }
        }
        requestAborted.ThrowIfCancellationRequested();
        domain.Status = DomainStatus.Failed;
        domain.VerifiedAt = null;
        domain.LastError = string.Join(" ", problems.Distinct().Take(3));
        domain.LastCheckedAt = clock.GetUtcNow();
    }

    private IEnumerable<string> Origins(string host) => options.Value.CheckPort is { } port ? [$"http://{host}:{port}"]
        : options.Value.LocalSitePort is { } local && SafeHttp.IsLocalhost(host) ? [$"http://{host}:{local}"]
        : [$"https://{host}", $"http://{host}"];

    private async Task<bool> TryAsync(Uri url, Func<string, bool> found, string method, List<string> problems, CancellationToken ct)
    {
        try
        {
            var page = await http.GetStringAsync(url, ct);
            if ((int)page.Status >= 400)
            {
                problems.Add($"{url} answered {(int)page.Status}.");
                return false;
            }
            if (found(page.Body)) return true;
            problems.Add(method == "file" ? $"{url} does not contain the token." : $"The home page has no {MetaName} meta tag with the token.");
            return false;
        }
        catch (OutboundRequestRefusedException e)
        {
            log.LogInformation("Domain check of {Url} refused: {Detail}", url, e.Detail);
            problems.Add(e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Net.Sockets.SocketException or AngleSharp.Dom.DomException)
        {
            // The reason (DNS, refused, reset, TLS) is logged, not shown: the form must not become a network probe.
            log.LogInformation("Domain check of {Url} failed: {Message}", url, e.Message);
            problems.Add(e is OperationCanceledException ? $"{url.Host} took too long to answer." : $"{url.Host} could not be reached.");
        }
        return false;
    }

    /// <summary>The tokens of every verification meta tag, read by an HTML parser (linear in the page's size, whatever its markup).</summary>
    public static IReadOnlyList<string> MetaTokens(string html) =>
        new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelectorAll("meta[name][content]")
            .Where(m => string.Equals(m.GetAttribute("name")?.Trim(), MetaName, StringComparison.OrdinalIgnoreCase))
            .Select(m => m.GetAttribute("content")!.Trim()).Where(c => c.Length > 0).ToList();
}
