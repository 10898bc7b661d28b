namespace Parley.Features.Accounts;

/// <summary>
/// One signed-in browser on one host. The cookie names its session; signing out revokes the row, so a copied cookie
/// stops working at once on every instance, and "sign out everywhere" revokes them all.
/// </summary>
public class UserSession
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    /// <summary>The workspace host the session was issued on; null for the root host.</summary>
    public Guid? TenantId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Moved at most once an hour by the requests that use the session.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>"Chrome on Windows": enough to recognise a device, from the user agent it signed in with.</summary>
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return "Unknown browser";
        var ua = userAgent;
        var browser = ua.Contains("Edg/") ? "Edge" : ua.Contains("OPR/") ? "Opera" : ua.Contains("Firefox/") ? "Firefox"
            : ua.Contains("Chrome/") || ua.Contains("Chromium/") ? "Chrome" : ua.Contains("Safari/") ? "Safari" : null;
        var os = ua.Contains("iPhone") || ua.Contains("iPad") ? "iOS" : ua.Contains("Android") ? "Android" : ua.Contains("Windows") ? "Windows"
            : ua.Contains("Mac OS X") ? "macOS" : ua.Contains("CrOS") ? "ChromeOS" : ua.Contains("Linux") ? "Linux" : null;
        return (browser, os) switch
        {
            (null, null) => ua.Length > 60 ? ua[..60] + "…" : ua,
            (null, _) => $"A browser on {os}",
            (_, null) => browser,
            _ => $"{browser} on {os}",
        };
    }
}
