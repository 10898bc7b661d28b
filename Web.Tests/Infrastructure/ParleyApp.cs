using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Npgsql;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// The real app on a real, empty database of its own: a SQLite file, or a fresh PostgreSQL database on the
/// server named by PARLEY_TEST_POSTGRES. Mail goes to maildev when PARLEY_TEST_SMTP_PORT is set, else to a folder.
/// </summary>
public abstract class ParleyApp : WebApplicationFactory<Program>, IAsyncLifetime
{

    public string Root { get; protected init; } = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("n"));
    /// <summary>False for a twin: another instance on the same database, which leaves the database to its original.</summary>
    protected bool OwnsDatabase { get; init; } = true;
    /// <summary>False keeps mail in the pickup folder even when the test command runs maildev.</summary>
    public bool UseMaildev { get; init; } = true;
    /// <summary>Extra configuration for one test's app, such as outbound fetches allowed to a loopback site.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];
    /// <summary>The hosting environment; Production shows what visitors of a real deployment see (error page, no dev mail).</summary>
    public string Environment { get; init; } = "Development";
    /// <summary>Test-only wiring, such as trusting a local stand-in's self-signed certificate.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>A second app instance on this app's database, as a restart or another node would be.</summary>
    public abstract ParleyApp Twin();
    public abstract string Provider { get; }
    protected abstract string ConnectionString { get; }
    public string MailFolder => Path.Combine(Root, "mail");
    public Mailbox Mail => new(MailFolder, UseMaildev);

    public virtual Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _ = Services; // starts the host: schema, plans, jobs
        return Task.CompletedTask;
    }

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!OwnsDatabase) return;
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Parley:AppDomain", "localhost");
        builder.UseSetting("Parley:PublicBaseUrl", "http://localhost");
        // Tests sign in and mail far faster than a person; the throttling tests set their own limits.
        builder.UseSetting("Parley:Throttling:SignInPerMinute", "100000");
        builder.UseSetting("Parley:Throttling:MailFormsPerMinute", "100000");
        builder.UseSetting("Parley:Throttling:VisitorSessionsPerMinute", "100000");
        builder.UseSetting("Parley:Throttling:MailPerAddressMinutes", "0");
        // Dozens of instances share this process and its two cores: two job workers each are plenty.
        builder.UseSetting("Parley:Jobs:Workers", "2");
        if (!Settings.ContainsKey("Parley:SeedDemo")) builder.UseSetting("Parley:SeedDemo", "false");
        builder.UseSetting("Parley:Database:Provider", Provider);
        builder.UseSetting("Parley:Database:ConnectionString", ConnectionString);
        builder.UseSetting("Parley:Mail:PickupDirectory", MailFolder);
        builder.UseSetting("Parley:Storage:FileSystemRoot", Path.Combine(Root, "blobs"));
        if (UseMaildev && System.Environment.GetEnvironmentVariable("PARLEY_TEST_SMTP_PORT") is { Length: > 0 } smtp)
        {
            builder.UseSetting("Parley:Mail:SmtpHost", "127.0.0.1");
            builder.UseSetting("Parley:Mail:SmtpPort", smtp);
        }
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (TestServices is { } configure) builder.ConfigureTestServices(configure);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.HttpLogging", "Warning");
    }

    /// <summary>A browser-like client for one host: it keeps that host's cookies and does not follow redirects.</summary>
    public HttpClient Client(string host = "localhost") =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{host}"), AllowAutoRedirect = false, HandleCookies = true });

    public T Scoped<T>(Func<IServiceProvider, T> work)
    {
        using var scope = Services.CreateScope();
        return work(scope.ServiceProvider);
    }

    public async Task<T> ScopedAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}

public sealed class SqliteApp : ParleyApp
{
    public override string Provider => "Sqlite";
    public override ParleyApp Twin() => new SqliteApp { Root = Root, OwnsDatabase = false, Settings = new(Settings), TestServices = TestServices };
    protected override string ConnectionString => $"Data Source={Path.Combine(Root, "parley.db")}";
}

public sealed class PostgresApp : ParleyApp
{
    private string database = "parley_test_" + Guid.NewGuid().ToString("n")[..12];
    public override string Provider => "Postgres";
    public override ParleyApp Twin() => new PostgresApp { Root = Root, database = database, OwnsDatabase = false, Settings = new(Settings), TestServices = TestServices };

    private static string AdminConnection => System.Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES")
        ?? throw new InvalidOperationException("PARLEY_TEST_POSTGRES is not set. Run scripts/test.sh, which starts PostgreSQL, or filter with Provider!=Postgres.");

    protected override string ConnectionString => new NpgsqlConnectionStringBuilder(AdminConnection) { Database = database }.ToString();

    public override async Task InitializeAsync()
    {
        if (!OwnsDatabase)
        {
            await base.InitializeAsync();
            return;
        }
        await using (var conn = new NpgsqlConnection(AdminConnection))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {database}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!OwnsDatabase) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(AdminConnection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
