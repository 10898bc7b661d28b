using System.Text.Json;

namespace Parley.Tests.Features.Health;

public abstract class PlatformTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Healthz_is_alive_and_readyz_reports_database_and_job_store()
    {
        (await app.Client().GetAsync("/healthz")).AssertStatus(HttpStatusCode.OK);
        // The scheduler starts just after the host does; a readiness probe polls, and so does this test.
        var ready = await app.Client("any-host.localhost").GetAsync("/readyz");
        for (var i = 0; i < 100 && ready.StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            ready = await app.Client("any-host.localhost").GetAsync("/readyz");
        }
        ready.AssertStatus(HttpStatusCode.OK);
        // From outside: up or down, nothing about what runs inside.
        using var outside = JsonDocument.Parse(await ready.BodyAsync());
        Assert.Equal("Healthy", outside.RootElement.GetProperty("status").GetString());
        Assert.False(outside.RootElement.TryGetProperty("checks", out _));
        // From this machine (a probe or an operator's shell): each check.
        var local = await app.Server.SendAsync(c => { c.Request.Path = "/readyz"; c.Request.Host = new("localhost"); c.Connection.RemoteIpAddress = IPAddress.Loopback; });
        using var json = JsonDocument.Parse(local.Response.Body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("jobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Session_issued_by_one_instance_is_accepted_by_another_sharing_the_database()
    {
        var ws = await app.SignUpAsync();
        await using var other = app.Twin();
        await other.InitializeAsync();
        var login = await app.Client($"{ws.Slug}.localhost").PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        var cookie = login.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("parley.session=")).Split(';')[0];

        var client = other.CreateClient(new() { BaseAddress = new Uri($"http://{ws.Slug}.localhost"), AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        request.Headers.Add("Cookie", cookie);
        (await client.SendAsync(request)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Dev_mail_lists_and_shows_the_mail_written_to_the_pickup_folder()
    {
        await using var local = new SqliteApp { UseMaildev = false };
        await local.InitializeAsync();
        var ws = await local.SignUpAsync();
        await local.Mail.WaitForAsync(ws.Email, "Confirm your email"); // the outbox delivers after the request
        var list = await (await local.Client().GetAsync("/dev/mail")).BodyAsync();
        Assert.Contains("Confirm your email for Parley", list);
        Assert.Contains(ws.Email, list);
        Assert.Contains($"http://{ws.Slug}.localhost/account/confirm-email?userId={ws.UserId}", list);
    }
}

public sealed class PlatformTests_Sqlite(SqliteApp app) : PlatformTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class PlatformTests_Postgres(PostgresApp app) : PlatformTests<PostgresApp>(app);
