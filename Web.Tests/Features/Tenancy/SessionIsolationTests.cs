
namespace Parley.Tests.Features.Tenancy;

public abstract class SessionIsolationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static string SessionCookie(HttpResponseMessage signedIn) =>
        signedIn.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("parley.session=")).Split(';')[0];

    private async Task<string> SessionOnAsync(SignedUp ws)
    {
        var client = app.Client($"{ws.Slug}.localhost");
        var response = await client.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        return SessionCookie(response);
    }

    private async Task<HttpResponseMessage> GetWithCookieAsync(string host, string path, string cookie)
    {
        var client = app.CreateClient(new() { BaseAddress = new Uri($"http://{host}"), AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Session_of_tenant_a_is_a_404_on_tenant_b_for_a_non_member()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var cookie = await SessionOnAsync(a);

        (await GetWithCookieAsync($"{a.Slug}.localhost", "/dashboard", cookie)).AssertStatus(HttpStatusCode.OK);
        var response = await GetWithCookieAsync($"{b.Slug}.localhost", "/dashboard", cookie);
        response.AssertStatus(HttpStatusCode.NotFound);
        Assert.DoesNotContain($"Workspace {b.Slug}", await response.BodyAsync());
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("parley.session=;"));
    }

    [Fact]
    public async Task Session_is_bound_to_the_host_it_was_issued_on_even_for_a_member_of_both()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        await app.AddMemberAsync(b.TenantId, Parley.Features.Workspaces.Role.Admin, a.Email);
        var cookie = await SessionOnAsync(a);
        (await GetWithCookieAsync($"{b.Slug}.localhost", "/dashboard", cookie)).AssertStatus(HttpStatusCode.NotFound);
        // Signing in on b's own host works for the member.
        var onB = await app.SignInAsync(b.Slug, a.Email);
        (await onB.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Root_host_session_does_not_open_a_tenant_dashboard()
    {
        var a = await app.SignUpAsync();
        var root = app.Client();
        var response = await root.PostFormAsync("/account/login", Http.Form(("Input.Email", a.Email), ("Input.Password", a.Password)));
        Assert.Equal("/account/workspaces", response.RedirectTarget());
        var cookie = SessionCookie(response);
        (await GetWithCookieAsync($"{a.Slug}.localhost", "/dashboard", cookie)).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Removed_member_is_out_on_the_next_request()
    {
        var a = await app.SignUpAsync();
        var email = await app.AddMemberAsync(a.TenantId, Parley.Features.Workspaces.Role.Agent);
        var agent = await app.SignInAsync(a.Slug, email);
        (await agent.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);

        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.Memberships.IgnoreQueryFilters().Where(m => m.TenantId == a.TenantId && m.Role == Parley.Features.Workspaces.Role.Agent)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeftAt, DateTimeOffset.UtcNow));
            await db.TouchTenantAsync(a.TenantId);
            return 0;
        });
        (await agent.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Anonymous_dashboard_request_redirects_to_the_tenant_sign_in()
    {
        var a = await app.SignUpAsync();
        var response = await app.Client($"{a.Slug}.localhost").GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"http://{a.Slug}.localhost/account/login", response.Headers.Location!.ToString());

        var htmx = await app.Client($"{a.Slug}.localhost").GetHtmxAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Unauthorized, htmx.StatusCode);
        Assert.Contains("/account/login", htmx.RedirectTarget());
    }
}

public sealed class SessionIsolationTests_Sqlite(SqliteApp app) : SessionIsolationTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class SessionIsolationTests_Postgres(PostgresApp app) : SessionIsolationTests<PostgresApp>(app);
