using System.Net.Sockets;
using Parley.Infrastructure.Email;

namespace Parley.Tests.Features.Email;

/// <summary>
/// No mail is sent inside a request: with the mail server down the request answers at once and the mail waits in the
/// outbox; when a server is reachable again (here: another instance on the same database that reaches maildev) each
/// mail arrives exactly once.
/// </summary>
[Trait(Providers.Trait, Providers.Maildev)]
public abstract class OutboxTests<TApp> where TApp : ParleyApp, new()
{
    private static string SmtpPort => Environment.GetEnvironmentVariable("PARLEY_TEST_SMTP_PORT")
        ?? throw new InvalidOperationException("PARLEY_TEST_SMTP_PORT is not set: run scripts/test.sh, which starts maildev.");

    private static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop(); // nothing listens there any more: a mail server that is down
        return port;
    }

    [Fact]
    public async Task Mail_queued_while_the_server_is_down_arrives_once_when_it_is_back()
    {
        var down = new Dictionary<string, string>
        {
            ["Parley:Mail:SmtpHost"] = "127.0.0.1", ["Parley:Mail:SmtpPort"] = ClosedPort().ToString(), ["Parley:Mail:OutboxPollSeconds"] = "1",
        };
        for (var i = 0; i < 60; i++) down[$"Parley:Mail:OutboxBackoffSeconds:{i}"] = "1"; // retry every second, for a minute
        // The owner keeps the database for the test and delivers nothing itself.
        await using var owner = new TApp { Settings = new(down) { ["Parley:Mail:Dispatch"] = "false" } };
        await owner.InitializeAsync();

        // An instance whose mail server is down: requests still answer at once, and the mail waits with its error.
        var broken = owner.Twin();
        broken.Settings["Parley:Mail:Dispatch"] = "true";
        await broken.InitializeAsync();
        var ws = await broken.SignUpAsync(); // sign-up mails a confirmation: it must not fail with the server down
        var address = ws.Email;
        var reset = await broken.Client($"{ws.Slug}.localhost").PostFormAsync("/account/forgot-password", Http.Form(("Input.Email", address)));
        reset.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("a reset link is on its way", await reset.BodyAsync());
        OutboxMail[] waiting = [];
        for (var i = 0; i < 200 && (waiting.Length < 2 || !waiting.All(m => m.Attempts > 0 && m.LastError is not null)); i++)
        {
            await Task.Delay(100);
            waiting = await Rows(owner, address);
        }
        Assert.Equal(2, waiting.Length);
        Assert.All(waiting, m => Assert.Null(m.SentAt));
        Assert.All(waiting, m => Assert.Contains("Socket", m.LastError));
        await broken.DisposeAsync();
        Assert.Equal(0, await owner.Mail.CountAsync(address));

        // The server is back: two instances reach it and race for the same mail; each mail arrives once.
        await using var up = owner.Twin();
        up.Settings["Parley:Mail:SmtpPort"] = SmtpPort;
        up.Settings["Parley:Mail:Dispatch"] = "true";
        await using var also = up.Twin();
        await Task.WhenAll(up.InitializeAsync(), also.InitializeAsync());
        for (var i = 0; i < 300 && (await Rows(owner, address)).Any(m => m.SentAt is null); i++) await Task.Delay(100);
        Assert.All(await Rows(owner, address), m => Assert.NotNull(m.SentAt));
        await up.Mail.WaitForAsync(address, "Reset your Parley password");
        await up.Mail.WaitForAsync(address, "Confirm your email");
        await Task.Delay(2500); // a few more rounds of both dispatchers
        Assert.Equal(1, await up.Mail.CountAsync(address, "Reset your Parley password"));
        Assert.Equal(1, await up.Mail.CountAsync(address, "Confirm your email"));
    }

    private static Task<OutboxMail[]> Rows(ParleyApp app, string to) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().OutboxMails.AsNoTracking().Where(m => m.To == to).ToArrayAsync());
}

public sealed class OutboxTests_Sqlite : OutboxTests<SqliteApp>;

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class OutboxTests_Postgres : OutboxTests<PostgresApp>;
