using System.ComponentModel.DataAnnotations;

namespace Parley.Infrastructure;

public enum DatabaseProvider { Sqlite, Postgres }

public class ParleyOptions
{
    public const string Section = "Parley";

    /// <summary>The host tenants live under: "acme" is served at acme.{AppDomain}. "localhost" in development.</summary>
    [Required, RegularExpression(@"^[a-z0-9.-]+$", ErrorMessage = "AppDomain is a bare host name such as parley.example.")]
    public string AppDomain { get; set; } = "localhost";

    /// <summary>
    /// Parley's public address: every link in mail and every cross-host redirect takes its scheme and port from here and
    /// its host from <see cref="AppDomain"/>, never from the request's Host header.
    /// </summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>Other host names this app answers to besides AppDomain and its workspace subdomains (served as the root host).</summary>
    public string[] ExtraHosts { get; set; } = [];

    /// <summary>Where the sign-up form's terms link points: an operator's own terms page, or Parley's built-in /terms when unset.</summary>
    [Url]
    public string? TermsUrl { get; set; }

    /// <summary>Creates the demo workspace at first start; on by default in Development only.</summary>
    public bool? SeedDemo { get; set; }
}

public class DatabaseOptions
{
    public const string Section = "Parley:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required]
    public string ConnectionString { get; set; } = "Data Source=App_Data/parley.db";
}

public class MailOptions
{
    public const string Section = "Parley:Mail";

    [Required, EmailAddress]
    public string From { get; set; } = "hello@parley.example";
    public string FromName { get; set; } = "Parley";

    /// <summary>SMTP server; when empty, mail is written as .eml files to PickupDirectory.</summary>
    public string? SmtpHost { get; set; }
    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 25;
    public bool SmtpSsl { get; set; }
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }

    [Required]
    public string PickupDirectory { get; set; } = "App_Data/mail";

    /// <summary>Whether this instance delivers the outbox (every instance can queue mail).</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How often each instance looks for queued mail (it delivers what it queued itself at once).</summary>
    [Range(1, 300)]
    public int OutboxPollSeconds { get; set; } = 2;

    /// <summary>Waits before the 2nd, 3rd… delivery attempt (default 10 s, 1 min, 5 min, 30 min, 2 h, 6 h); after the last a mail is marked failed.</summary>
    public int[]? OutboxBackoffSeconds { get; set; }
    public IReadOnlyList<int> OutboxBackoff => OutboxBackoffSeconds is { Length: > 0 } b ? b : [10, 60, 300, 1800, 7200, 21600];
}

public class TelemetryOptions
{
    public const string Section = "Parley:Telemetry";

    /// <summary>OTLP endpoint; traces and metrics are exported only when it is set.</summary>
    [Url]
    public string? OtlpEndpoint { get; set; }
}
