using System.Diagnostics;
using Npgsql;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Inbox;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Bench;

/// <summary>
/// Fan-out across instances: two app instances on one PostgreSQL (PARLEY_BENCH_POSTGRES names the server); a visitor's
/// live stream is open on instance A; an agent's reply is stored through instance B (the inbox's ConversationActions),
/// and the time until the visitor's stream on A carries the event is measured (commit → outbox relay → NOTIFY → LISTEN
/// → stream). Without a server the figure is taken on the embedded SQLite default, one instance, and says so.
/// </summary>
public static class LiveBench
{
    public static async Task RunAsync(int samples)
    {
        var server = Environment.GetEnvironmentVariable("PARLEY_BENCH_POSTGRES");
        string? database = null;
        Dictionary<string, string?>? settings = null;
        if (server is not null)
        {
            database = "parley_bench_" + Guid.NewGuid().ToString("n")[..12];
            await using (var admin = new NpgsqlConnection(server))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
                await create.ExecuteNonQueryAsync();
            }
            settings = new()
            {
                ["Parley:Database:Provider"] = "Postgres",
                ["Parley:Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString,
            };
        }
        try
        {
            await using var a = await BenchHost.StartAsync("live-a", settings);
            await using var b = settings is null ? null : await BenchHost.StartAsync("live-b", settings);
            var (tenant, bot, token, conversation, agent) = await SeedAsync(a.App.Services);
            using var http = a.Client();
            var request = new HttpRequestMessage(HttpMethod.Get, $"/widget/{bot.PublicId}/live?tab=bench");
            request.Headers.Add("X-Parley-Visitor", token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await reader.ReadLineAsync(); // ": connected"
            var sender = (b ?? a).App.Services;
            var times = new List<double>();
            var commits = new List<double>();
            for (var i = 0; i < samples + 5; i++)
            {
                var sw = Stopwatch.StartNew();
                await using (var scope = sender.CreateAsyncScope())
                {
                    using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
                    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    var c = await db.Conversations.FirstAsync(x => x.Id == conversation);
                    var saving = Stopwatch.StartNew();
                    await scope.ServiceProvider.GetRequiredService<ConversationActions>().ReplyAsync(c, agent, $"Reply {i}", default);
                    if (i >= 5) commits.Add(saving.Elapsed.TotalMilliseconds);
                }
                while (await reader.ReadLineAsync() is { } line && !line.StartsWith($"event: c-{conversation}")) { }
                if (i >= 5) times.Add(sw.Elapsed.TotalMilliseconds); // the first few warm the relay and the pools
            }
            times.Sort();
            commits.Sort();
            Console.WriteLine($"Live fan-out {(b is null ? "on one instance (embedded SQLite; set PARLEY_BENCH_POSTGRES for two instances on PostgreSQL)" : "across two instances on one PostgreSQL")}: agent reply stored → visitor's stream event p50 {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms ({times.Count} replies; of which storing the reply itself p50 {commits[commits.Count / 2]:F1} ms)");
        }
        finally
        {
            if (database is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(server);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static async Task<(Tenant, Chatbot, string, Guid, Agent)> SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = new Tenant { Name = "Live bench", Slug = "livebench" };
        var user = new Features.Accounts.AppUser { UserName = "agent@bench.test", NormalizedUserName = "AGENT@BENCH.TEST", Email = "agent@bench.test", NormalizedEmail = "AGENT@BENCH.TEST", FullName = "Bench Agent", SecurityStamp = Guid.NewGuid().ToString() };
        db.Tenants.Add(tenant);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
        var bot = new Chatbot { Name = "Bench bot", CreatedAt = DateTimeOffset.UtcNow };
        db.Chatbots.Add(bot);
        db.Memberships.Add(new Membership { UserId = user.Id, Role = Role.Owner });
        var token = Visitor.NewToken();
        var visitor = new Visitor { ChatbotId = bot.Id, TokenHash = Visitor.Hash(token), CreatedAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow };
        db.Visitors.Add(visitor);
        var conversation = new Conversation { ChatbotId = bot.Id, VisitorId = visitor.Id, Channel = ConversationChannel.Widget, Title = "Bench", Status = ConversationStatus.Pending, Responder = Responder.Human, CreatedAt = DateTimeOffset.UtcNow, LastMessageAt = DateTimeOffset.UtcNow };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return (tenant, bot, token, conversation.Id, new Agent(user.Id, user.FullName));
    }
}
