
namespace Parley.Tests.Features.Tenancy;

/// <summary>
/// Every dashboard handler, walked with each role, a member of another workspace and nobody.
/// A later feature adds its handlers to <see cref="Routes"/>.
/// </summary>
public abstract class AccessMatrixTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    public sealed record Route(string Method, string Path, Role AtLeast, (string, string)[]? Form = null, string? FormPage = null);

    public static readonly Route[] Routes =
    [
        new("GET", "/dashboard", Role.Agent),
        new("POST", "/dashboard?handler=ResendConfirmation", Role.Agent, [], "/dashboard"),
        new("GET", "/account/profile", Role.Agent),
        new("POST", "/account/profile", Role.Agent, [("Input.FullName", "Same Name")], "/account/profile"),
        new("GET", "/account/security", Role.Agent),
        new("GET", "/account/two-factor", Role.Agent),
        new("GET", "/settings/workspace", Role.Admin),
        new("POST", "/settings/workspace", Role.Admin, [("Input.Name", "Kept"), ("Input.Slug", "")], "/settings/workspace"),
        new("POST", "/settings/workspace?handler=Delete", Role.Owner, [("Delete.Confirmation", "not-the-slug")], "/settings/workspace"),
        new("GET", "/bots", Role.Agent),
        new("POST", "/bots", Role.Admin, [("Input.Name", "")], "/bots"),
        new("GET", "/team", Role.Manager),
        new("POST", "/team?handler=Invite", Role.Manager, [("email", "not-an-email"), ("role", "Agent")], "/team"),
        new("GET", "/team/leave", Role.Agent),
        new("GET", "/domains", Role.Admin),
        new("POST", "/domains?handler=Add", Role.Admin, [("host", "not a domain")], "/domains"),
        new("GET", "/audit", Role.Admin),
    ];

    public static IEnumerable<object[]> Cases() =>
        from r in Enumerable.Range(0, Routes.Length) from role in new[] { Role.Owner, Role.Admin, Role.Manager, Role.Agent } select new object[] { r, role };

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, Route route, string slug)
    {
        if (route.Method == "GET") return await client.GetAsync(route.Path);
        var fields = route.Form!.Select(f => f.Item2 == "" && f.Item1 == "Input.Slug" ? (f.Item1, slug) : f).ToDictionary(f => f.Item1, f => f.Item2);
        // The token comes from a page the caller can open; an outsider borrows one from their own workspace.
        return await client.PostFormAsync(route.FormPage!, route.Path, fields);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Role_reaches_exactly_the_handlers_it_may_use(int routeIndex, Role role)
    {
        var route = Routes[routeIndex];
        var ws = await app.SignUpAsync();
        var client = role == Role.Owner ? ws.Tenant : await app.SignInAsync(ws.Slug, await app.AddMemberAsync(ws.TenantId, role));
        if (route.Method == "POST" && role > route.AtLeast)
        {
            // Forbidden members cannot open the form page either; take the token from a page they can open.
            route = route with { FormPage = "/account/profile" };
        }
        var response = await SendAsync(client, route, ws.Slug);
        if (role <= route.AtLeast)
            Assert.True((int)response.StatusCode < 400 || response.StatusCode == HttpStatusCode.UnprocessableEntity,
                $"{role} should reach {route.Method} {route.Path} but got {(int)response.StatusCode} {response.Headers.Location}");
        else
            Assert.Contains("/account/access-denied", response.RedirectTarget() ?? $"status {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Member_of_another_workspace_gets_404_on_every_handler()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var cookie = (await app.Client($"{b.Slug}.localhost").PostFormAsync("/account/login", Http.Form(("Input.Email", b.Email), ("Input.Password", b.Password))))
            .Headers.GetValues("Set-Cookie").First(c => c.StartsWith("parley.session=")).Split(';')[0];
        foreach (var route in Routes)
        {
            var client = app.CreateClient(new() { BaseAddress = new Uri($"http://{a.Slug}.localhost"), AllowAutoRedirect = false, HandleCookies = false });
            var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path);
            request.Headers.Add("Cookie", cookie);
            if (route.Method == "POST") request.Content = new FormUrlEncodedContent(route.Form!.ToDictionary(f => f.Item1, f => f.Item2));
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{route.Method} {route.Path} with another workspace's session: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_sign_in_on_every_handler()
    {
        var a = await app.SignUpAsync();
        foreach (var route in Routes.Where(r => r.Method == "GET"))
        {
            var response = await app.Client($"{a.Slug}.localhost").GetAsync(route.Path);
            Assert.Contains("/account/login", response.Headers.Location?.ToString() ?? $"status {(int)response.StatusCode}");
        }
    }
}

public sealed class AccessMatrixTests_Sqlite(SqliteApp app) : AccessMatrixTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class AccessMatrixTests_Postgres(PostgresApp app) : AccessMatrixTests<PostgresApp>(app);
