using System.Text.RegularExpressions;

namespace Parley.Infrastructure.Tenancy;

public static partial class Slugs
{
    /// <summary>Hosts Parley needs for itself or that would confuse visitors and mail filters.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "www", "api", "app", "admin", "administrator", "widget", "widgets", "static", "assets", "cdn", "mail",
        "email", "smtp", "imap", "pop", "ftp", "webmail", "help", "support", "docs", "status", "blog", "billing",
        "dashboard", "auth", "login", "signup", "sso", "account", "accounts", "root", "system", "parley",
        "dev", "staging", "test", "demo-admin", "ns1", "ns2", "localhost", "embed", "media", "files",
    };

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")]
    private static partial Regex Shape();

    public static string Normalize(string? input) => (input ?? "").Trim().ToLowerInvariant();

    /// <summary>Null when the slug can be used; otherwise the reason, written for the person typing it.</summary>
    public static string? Problem(string slug)
    {
        if (slug.Length < 3) return "Use at least 3 characters.";
        if (slug.Length > 40) return "Use at most 40 characters.";
        if (!Shape().IsMatch(slug) || slug.Contains("--"))
            return "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit.";
        if (Reserved.Contains(slug)) return "That subdomain is reserved.";
        return null;
    }

    /// <summary>Suggests a subdomain from a workspace name: "Acme Corp." → "acme-corp".</summary>
    public static string Suggest(string name)
    {
        var s = NonSlug().Replace(Normalize(name), "-").Trim('-');
        return s.Length > 40 ? s[..40].Trim('-') : s;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
