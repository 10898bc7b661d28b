namespace Parley.Tests.Infrastructure;

/// <summary>Marks the PostgreSQL twin of a test class so a quick local run can skip it: --filter Provider!=Postgres.</summary>
public static class Providers
{
    public const string Trait = "Provider";
    public const string Postgres = "Postgres";
    public const string Azurite = "Azurite";
    /// <summary>Needs the maildev the test command starts (PARLEY_TEST_SMTP_PORT), a real SMTP server.</summary>
    public const string Maildev = "Maildev";
    /// <summary>Needs the Python 3.11 documentation the test command unpacks (PARLEY_EVAL_DOCS), for the answer-quality evaluation.</summary>
    public const string Docs = "Docs";
}
