using System.Globalization;
using System.Security.Cryptography;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Domains;

public enum DomainStatus { Pending, Verified, Failed }

/// <summary>A website where the workspace's bots may run, once the workspace proves it controls it.</summary>
public class Domain : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    /// <summary>Lowercase, punycode, no scheme, path or port.</summary>
    public required string Host { get; set; }
    public required string VerificationToken { get; set; }
    public DomainStatus Status { get; set; } = DomainStatus.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    public DateTimeOffset? LastCheckedAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>The first failed scheduled check of a verified domain since it last passed; null while checks pass.</summary>
    public DateTimeOffset? FailingSince { get; set; }
    /// <summary>Failed scheduled checks since <see cref="FailingSince"/>.</summary>
    public int FailedChecks { get; set; }

    public bool Verified => Status == DomainStatus.Verified;

    public static string NewToken() => "parley-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The normalised host of what someone typed ("https://Bücher.example/path" → "xn--bcher-kva.example"), or why it is not one.</summary>
    public static (string? Host, string? Problem) Normalize(string? input, bool allowLocal = false)
    {
        var s = (input ?? "").Trim();
        if (s.Length == 0) return (null, "Enter a domain such as www.example.com.");
        if (s.Contains("://")) s = s[(s.IndexOf("://", StringComparison.Ordinal) + 3)..];
        s = s.Split('/', '?', '#')[0];
        if (s.Contains('@')) return (null, "Enter just the domain, without a user name.");
        if (s.StartsWith('[')) return (null, "Enter a domain name, not an IP address.");
        var colon = s.LastIndexOf(':');
        if (colon >= 0) s = s[..colon];
        s = s.TrimEnd('.');
        if (System.Net.IPAddress.TryParse(s, out _)) return (null, "Enter a domain name, not an IP address.");
        string ascii;
        try { ascii = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(s).ToLowerInvariant(); }
        catch (ArgumentException) { return (null, "That isn't a valid domain name."); }
        if (allowLocal && ascii == "localhost") return (ascii, null);
        if (!ascii.Contains('.') || ascii.Length > 253 || ascii.Split('.').Any(l => l.Length is 0 or > 63))
            return (null, "That isn't a valid domain name.");
        if (!allowLocal && ascii.EndsWith(".localhost")) return (null, "Local domains can't be verified.");
        return (ascii, null);
    }
}
