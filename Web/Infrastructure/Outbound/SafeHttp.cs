using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Parley.Infrastructure.Outbound;

public class OutboundOptions
{
    public const string Section = "Parley:Outbound";

    /// <summary>Ports besides 80 and 443 that fetches may use. For tests against a local site; empty in production.</summary>
    public int[] ExtraPorts { get; set; } = [];

    /// <summary>Lets fetches reach loopback addresses. For tests only; production never sets it.</summary>
    public bool AllowLoopback { get; set; }

    [Range(1, 120)] public int TimeoutSeconds { get; set; } = 15;
    [Range(1024, 100 * 1024 * 1024)] public int MaxResponseBytes { get; set; } = 5 * 1024 * 1024;
    [Range(0, 10)] public int MaxRedirects { get; set; } = 5;
}

/// <summary>
/// A fetch Parley will not make. <see cref="Exception.Message"/> is safe to show the customer; <see cref="Detail"/> (which
/// address a name resolved to, and why it is refused) goes to logs only, so the form cannot be used to map networks.
/// </summary>
public sealed class OutboundRequestRefusedException(string message, string? detail = null) : HttpRequestException(message)
{
    public string Detail { get; } = detail ?? message;
}

/// <summary>
/// The one way Parley fetches a URL someone else gave it: http/https on allowed ports only, every resolved
/// address checked against loopback, private, link-local, CGNAT, multicast and unique-local ranges before
/// connecting (so on every redirect too), redirects followed by hand and re-checked, size and time capped.
/// </summary>
public sealed class SafeHttp(IHttpClientFactory factory, IOptions<OutboundOptions> options)
{
    public const string ClientName = "Parley.Outbound";

    /// <summary>A fetched page; <paramref name="RetryAfter"/> is how long the site asked us to wait (429, 503), when it said.</summary>
    public sealed record Page(Uri FinalUrl, HttpStatusCode Status, string? ContentType, string Body, TimeSpan? RetryAfter = null);

    public async Task<Page> GetStringAsync(Uri url, CancellationToken ct)
    {
        var o = options.Value;
        var client = factory.CreateClient(ClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        for (var hop = 0; ; hop++)
        {
            CheckUrl(url, o);
            HttpResponseMessage response;
            try
            {
                response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (HttpRequestException e) when (e.InnerException is OutboundRequestRefusedException refused)
            {
                throw refused; // refused at connect time: say why, not "connection failed"
            }
            using var _ = response;
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                if (hop >= o.MaxRedirects) throw new OutboundRequestRefusedException($"More than {o.MaxRedirects} redirects.");
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                continue;
            }
            var body = await ReadCappedAsync(response, o.MaxResponseBytes, timeout.Token);
            var retryAfter = response.Headers.RetryAfter is { } r ? r.Delta ?? (r.Date is { } at ? at - DateTimeOffset.UtcNow : null) : null;
            return new Page(url, response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
        }
    }

    /// <summary>
    /// Posts a body to a URL someone gave us (a webhook endpoint), with the same checks as every fetch; redirects are not
    /// followed (the answer to a post is the endpoint's). Returns the status and the start of the answer's body.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(Uri url, HttpContent content, IReadOnlyDictionary<string, string> headers, CancellationToken ct)
    {
        var o = options.Value;
        CheckUrl(url, o);
        var client = factory.CreateClient(ClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadCappedAsync(response, Math.Min(o.MaxResponseBytes, 64 * 1024), timeout.Token);
            return (response.StatusCode, body.Length > 500 ? body[..500] : body);
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundRequestRefusedException refused)
        {
            throw refused;
        }
    }

    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > max) throw new OutboundRequestRefusedException($"The response is larger than {max / 1024} KB.");
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) throw new OutboundRequestRefusedException($"The response is larger than {max / 1024} KB.");
            buffer.Write(chunk, 0, read);
        }
        var charset = response.Content.Headers.ContentType?.CharSet;
        var encoding = System.Text.Encoding.UTF8;
        // A charset nobody knows ("bogus") is read as UTF-8 rather than failing the page.
        try { if (!string.IsNullOrWhiteSpace(charset)) encoding = System.Text.Encoding.GetEncoding(charset.Trim('"', '\'', ' ')); }
        catch (ArgumentException) { }
        return encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void CheckUrl(Uri url, OutboundOptions o)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new OutboundRequestRefusedException($"Only http and https addresses can be fetched, not {url.Scheme}.");
        if (url.Port is not (80 or 443) && !o.ExtraPorts.Contains(url.Port))
            throw new OutboundRequestRefusedException($"Port {url.Port} is not allowed.");
        if (!string.IsNullOrEmpty(url.UserInfo))
            throw new OutboundRequestRefusedException("Addresses with a user name or password are not fetched.");
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && Blocked(literal, o.AllowLoopback) is { } reason)
            throw new OutboundRequestRefusedException($"{url.Host} is {reason}, which Parley does not fetch from."); // typed by the customer: nothing to hide
    }

    /// <summary>Null when the address may be connected to; otherwise why not.</summary>
    public static string? Blocked(IPAddress ip, bool allowLoopback)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (EmbeddedIPv4(ip) is { } inner) return Blocked(inner, allowLoopback) is { } why ? $"{why} inside an IPv6 address" : null;
        if (IPAddress.IsLoopback(ip)) return allowLoopback ? null : "a loopback address";
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return b switch
            {
                [0, ..] => "a reserved address",
                [10, ..] => "a private address",
                [172, >= 16 and <= 31, ..] => "a private address",
                [192, 168, ..] => "a private address",
                [169, 254, ..] => "a link-local address",
                [100, >= 64 and <= 127, ..] => "a carrier-grade NAT address",
                [192, 0, 0, _] => "a reserved address",
                [198, 18 or 19, ..] => "a reserved address",
                [>= 224 and <= 239, ..] => "a multicast address",
                [>= 240, ..] => "a reserved address",
                _ => null,
            };
        }
        if (ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal) return "a link-local address";
        if (ip.IsIPv6Multicast) return "a multicast address";
        var v6 = ip.GetAddressBytes();
        if ((v6[0] & 0xFE) == 0xFC) return "a unique-local address";
        if (ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6None)) return "a reserved address";
        return null;
    }

    /// <summary>
    /// The IPv4 address an IPv6 address carries to reach it: IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96 and the
    /// local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32, the client address inverted). Null for others.
    /// </summary>
    private static IPAddress? EmbeddedIPv4(IPAddress ip)
    {
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return null;
        var b = ip.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1))
            return new IPAddress(b.AsSpan(12, 4)); // ::a.b.c.d (not :: or ::1)
        if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && (b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0 || (b[4] == 0 && b[5] == 1)))
            return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b.AsSpan(2, 4));
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
            return new IPAddress(new[] { (byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15] });
        return null;
    }

    /// <summary>"localhost" and every name under it ("shop.localhost") are this machine.</summary>
    public static bool IsLocalhost(string host) =>
        host.TrimEnd('.').Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.TrimEnd('.').EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static string NotPublic(string host) => $"{host} is not a public website Parley can fetch from.";

    /// <summary>Resolves, checks every address, and connects only to an allowed one.</summary>
    internal static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, OutboundOptions o, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal]
            : IsLocalhost(host) ? [IPAddress.Loopback] // RFC 6761, as browsers do: the system resolver often knows only "localhost" itself
            : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0) throw new OutboundRequestRefusedException(NotPublic(host), $"{host} does not resolve.");
        foreach (var ip in addresses)
            if (Blocked(ip, o.AllowLoopback) is { } reason)
                throw new OutboundRequestRefusedException(NotPublic(host), $"{host} resolves to {reason} ({ip}).");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

public static class OutboundSetup
{
    public static IHostApplicationBuilder AddOutbound(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(SafeHttp.ClientName, c =>
            {
                c.DefaultRequestHeaders.UserAgent.ParseAdd("ParleyBot/1.0 (+https://parley.example/bot)");
                c.Timeout = Timeout.InfiniteTimeSpan; // SafeHttp caps the whole exchange, redirects included
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var o = sp.GetRequiredService<IOptions<OutboundOptions>>().Value;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    AutomaticDecompression = DecompressionMethods.All,
                    ConnectTimeout = TimeSpan.FromSeconds(o.TimeoutSeconds),
                    ConnectCallback = (ctx, ct) => SafeHttp.ConnectAsync(ctx, o, ct),
                };
            });
        builder.Services.AddSingleton<SafeHttp>();
        return builder;
    }
}
