using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// A customer's website, served on 127.0.0.1 for outbound-fetch tests: what it shows is set per test.
/// Only loopback is ever contacted; the "private" redirect targets are refused before any connection.
/// </summary>
public sealed class LoopbackSite : IAsyncLifetime
{
    private WebApplication? site;
    public int Port { get; private set; }
    public string? MetaToken { get; set; }
    public string? FileToken { get; set; }
    /// <summary>Pages a crawl test serves by path (with query), changed freely while the site runs; unknown paths are 404.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, SitePage> Pages { get; } = new();
    public string Origin => $"http://127.0.0.1:{Port}";
    /// <summary>Requests each served path has had, so a page can fail its first few.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Requests { get; } = new();

    public async Task InitializeAsync()
    {
        (site, Port) = await LoopbackServer.StartAsync(s =>
        {
            s.MapGet("/", () => Pages.TryGetValue("/", out var home) ? home.Result() : Results.Content(
                $"<!doctype html><html><head><title>Shop</title>{(MetaToken is null ? "" : $"<meta name=\"parley-site-verification\" content=\"{MetaToken}\">")}</head><body>Hi</body></html>", "text/html"));
            s.MapGet("/.well-known/parley-verification.txt", () => FileToken is null ? Results.NotFound() : Results.Text(FileToken));
            s.MapGet("/to-private", () => Results.Redirect("http://10.0.0.1/"));
            s.MapGet("/to-link-local", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
            s.MapGet("/to-self", (HttpContext c) => Results.Redirect($"http://127.0.0.1:{Port}/"));
            s.MapGet("/loop", () => Results.Redirect("/loop"));
            s.MapGet("/big", () => Results.Text(new string('x', 6 * 1024 * 1024)));
            // A page that never ends: a byte a second, forever (until the client gives up).
            s.MapGet("/never-ends", async (HttpContext c) =>
            {
                c.Response.ContentType = "text/html";
                try { while (!c.RequestAborted.IsCancellationRequested) { await c.Response.WriteAsync("<p>", c.RequestAborted); await c.Response.Body.FlushAsync(c.RequestAborted); await Task.Delay(1000, c.RequestAborted); } }
                catch (OperationCanceledException) { }
            });
            s.MapFallback("{**path}", (HttpContext c) =>
            {
                var path = c.Request.Path + c.Request.QueryString;
                if (!Pages.TryGetValue(path, out var page)) return Results.NotFound();
                if (Requests.AddOrUpdate(path, 1, (_, n) => n + 1) > page.FailFirst) return page.Result();
                if (page.FailWith == 0) { c.Abort(); return Results.Empty; } // the connection drops mid-request
                c.Response.Headers.RetryAfter = "0";
                return Results.StatusCode(page.FailWith);
            });
        });
    }

    public async Task DisposeAsync()
    {
        if (site is not null) await site.DisposeAsync();
    }
}

/// <summary>What a loopback page answers: content of a type, or a redirect.</summary>
public sealed record SitePage(string Body, string ContentType = "text/html", string? RedirectTo = null)
{
    /// <summary>The Content-Type header exactly as given (even a charset nobody knows), the body as UTF-8 bytes.</summary>
    public bool RawHeader { get; init; }
    /// <summary>The first N requests fail: with this status (and Retry-After: 0), or a dropped connection when 0.</summary>
    public int FailFirst { get; init; }
    public int FailWith { get; init; } = 503;
    public IResult Result() => RedirectTo is { } to ? Results.Redirect(to, permanent: true)
        : RawHeader ? Results.Bytes(System.Text.Encoding.UTF8.GetBytes(Body), ContentType) : Results.Content(Body, ContentType);
    public static SitePage Html(string title, string body, string head = "") =>
        new($"<!doctype html><html><head><title>{title}</title>{head}</head><body><nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav><main>{body}</main><footer>© Kettle Co · <a href=\"/legal\">Legal</a></footer></body></html>");
    public static SitePage Redirect(string to) => new("", RedirectTo: to);
}
