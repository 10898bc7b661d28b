using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Parley.Infrastructure;

namespace Parley.Bench;

/// <summary>
/// The real app on a loopback port with a throwaway SQLite database, quiet logs and no per-address limits (a bench
/// measures the app, not its throttles: every request comes from 127.0.0.1). Disposing stops it and deletes its files.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly string dir;
    public WebApplication App { get; }
    public int Port { get; }

    private BenchHost(string dir, WebApplication app, int port) => (this.dir, App, Port) = (dir, app, port);

    public static async Task<BenchHost> StartAsync(string name, Dictionary<string, string?>? settings = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"parley-{name}-bench-{Guid.NewGuid():n}");
        Directory.CreateDirectory(dir);
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Parley:Database:ConnectionString"] = $"Data Source={Path.Combine(dir, "bench.db")}",
            ["Parley:Storage:FileSystemRoot"] = Path.Combine(dir, "blobs"),
            ["Parley:Mail:PickupDirectory"] = Path.Combine(dir, "mail"),
            ["Parley:SeedDemo"] = "false",
            ["Parley:Throttling:SignInPerMinute"] = "1000000",
            ["Parley:Throttling:MailFormsPerMinute"] = "1000000",
            ["Parley:Throttling:VisitorSessionsPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Error",
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging"] = "Error",
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Error",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        // Development, as `dotnet run` starts it; and the app's own assembly named, so its pages are found when a test
        // process (whose entry assembly is the test host) starts a bench host.
        var app = ParleyHost.Build(["--environment", "Development", "--applicationName", typeof(ParleyHost).Assembly.GetName().Name!], all);
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return new BenchHost(dir, app, port);
    }

    /// <summary>A client for the root host, as a browser on this machine would address it.</summary>
    public HttpClient Client(SocketsHttpHandler? handler = null)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        http.DefaultRequestHeaders.Host = $"localhost:{Port}";
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }
}
