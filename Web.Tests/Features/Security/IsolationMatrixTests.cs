using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Parley.Features.Chat;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Security;

/// <summary>
/// The generated isolation and role matrix: every Razor Page handler the app serves (read from its endpoint data
/// sources) is walked anonymously, by each role (Owner, Admin, a Manager not assigned to the bot, an Agent assigned to
/// it), with another workspace's session on this host, and with another workspace's ids on this workspace's pages.
/// Expected outcomes come from <see cref="RouteMatrix.Rows"/>; another workspace's rows are hashed before and after.
/// </summary>
public abstract class IsolationMatrixTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static readonly Role[] Roles = [Role.Agent, Role.Manager, Role.Admin, Role.Owner];
    private static readonly Regex Token = new(@"\{(\w+)\}");

    [Fact]
    public async Task Every_route_the_app_serves_has_exactly_one_row_and_every_row_a_route()
    {
        var served = (await RouteCatalog.ReadAsync(app.Services)).Select(r => r.Key).ToHashSet();
        var declared = RouteMatrix.Rows.Select(r => r.Key).ToList();
        var missing = served.Except(declared).Order().ToList();
        var stale = declared.Except(served).Order().ToList();
        var twice = declared.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0 && twice.Count == 0,
            $"Add a row to RouteMatrix for each new route.\nNo row: {string.Join(", ", missing)}\nNo such route: {string.Join(", ", stale)}\nTwice: {string.Join(", ", twice)}");
    }

    [Fact]
    public async Task Every_route_keeps_workspaces_apart_and_roles_in_their_place()
    {
        var a = await World.BuildAsync(app);
        var b = await World.BuildAsync(app);
        var before = await TenantRowsHashAsync(b.Ws.TenantId);
        Assert.True(before.Rows > 30, $"The other workspace should have rows in many tables, found {before.Rows}.");
        var failures = new List<string>();
        var probes = 0;
        void Expect(bool ok, MatrixRow row, string probe, HttpResponseMessage r)
        {
            probes++;
            if (!ok) failures.Add($"{row.Key} [{probe}]: {(int)r.StatusCode} {r.Headers.Location}");
        }

        var bCookie = await SessionCookieAsync(b);
        var catalog = await RouteCatalog.ReadAsync(app.Services);
        foreach (var row in RouteMatrix.Rows.Where(r => !r.EndsSession))
        {
            switch (row.Who)
            {
                case Who.Anyone:
                    var open = await SendAsync(app.Client(), row, a.Ids, "/account/login");
                    Expect((int)open.StatusCode < 500, row, "anonymous", open);
                    break;
                case Who.SignedIn:
                    var root = await SendAsync(app.Client(), row, a.Ids, "/account/login");
                    Expect(IsSignInRedirect(root), row, "anonymous", root);
                    break;
                case Who.Visitor:
                    var visitor = a.Visitor;
                    var own = await SendAsync(visitor, row, a.Ids);
                    Expect(Reached(own, row, false), row, "visitor", own);
                    if (Token.Matches(row.Sample).Any(m => m.Groups[1].Value != "bot"))
                    {
                        var foreign = await SendAsync(visitor, row, a.Ids.With(b.Ids, except: "bot"));
                        Expect(foreign.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity, row, "visitor with another workspace's ids", foreign);
                    }
                    break;
                default:
                    var anonymous = await SendAsync(app.Client($"{a.Ws.Slug}.localhost"), row, a.Ids, "/account/login");
                    Expect(IsSignInRedirect(anonymous) || anonymous.StatusCode == HttpStatusCode.Unauthorized, row, "anonymous", anonymous);
                    var reachedOnce = false;
                    foreach (var role in Roles)
                    {
                        var response = await SendAsync(a.Members[role], row, a.Ids, "/account/profile");
                        if (Allowed(row, role))
                        {
                            var ok = Reached(response, row, reachedOnce);
                            reachedOnce |= ok;
                            Expect(ok, row, $"{role} may", response);
                        }
                        else Expect(Refused(response, row) || (row.RefusesInItsAnswer && response.StatusCode == HttpStatusCode.UnprocessableEntity), row, $"{role} may not", response);
                    }
                    var stolen = await WithCookieAsync(a.Ws.Slug, bCookie, row, a.Ids);
                    Expect(stolen.StatusCode == HttpStatusCode.NotFound, row, "another workspace's session", stolen);
                    if (Token.Matches(row.Sample).Any(m => m.Groups[1].Value is not ("slug" or "agentUser")))
                    {
                        var foreign = await SendAsync(a.Members[Role.Owner], row, a.Ids.With(b.Ids, except: "slug"), "/account/profile");
                        Expect(foreign.StatusCode is HttpStatusCode.NotFound || (foreign.StatusCode == HttpStatusCode.UnprocessableEntity && !row.Bot),
                            row, "owner with another workspace's ids", foreign);
                    }
                    break;
            }
            // A handler nobody wrote runs the page's plain handler when it has one; otherwise it is a 404. Never a 500.
            if (row.Key.Contains("?handler=") || row.Who == Who.Visitor) continue;
            var method = row.Key.Split(' ')[0];
            var plain = catalog.Any(c => c.Method == method && c.Handler is null && row.Key == c.Key);
            var nopeRow = row with { Sample = row.Sample + (row.Sample.Contains('?') ? "&" : "?") + "handler=Nope" };
            var caller = row.Who is Who.Anyone or Who.SignedIn ? app.Client() : a.Members[Role.Owner];
            var nope = await SendAsync(caller, nopeRow, a.Ids, row.Who is Who.Anyone or Who.SignedIn ? "/account/login" : "/account/profile");
            Expect((int)nope.StatusCode < 500 && (plain || nope.StatusCode == HttpStatusCode.NotFound || IsSignInRedirect(nope)), row, "unknown handler", nope);
        }
        foreach (var template in catalog.Where(c => c.Model != typeof(Parley.Tests.Infrastructure.Endpoint)).Select(c => c.Template).Distinct())
        {
            // A post naming no handler the page has: 404 (or sign-in first), never a 500.
            if (catalog.Any(c => c.Template == template && c.Method == "POST" && c.Handler is null)) continue;
            var path = "/" + Regex.Replace(template, @"\{(\w+)[^}]*\}", m => m.Groups[1].Value switch { "publicId" or "botId" => a.Ids["bot"], "domainId" => a.Ids["domain"], "id" => a.Ids["conversation"], _ => "x" });
            var post = new MatrixRow($"POST /{template}?handler=Nope", Who.Agent, path + "?handler=Nope");
            var response = await SendAsync(a.Members[Role.Owner], post, a.Ids, "/account/profile");
            Expect(response.StatusCode == HttpStatusCode.NotFound || IsSignInRedirect(response) || response.StatusCode == HttpStatusCode.Forbidden, post, "post to an unknown handler", response);
        }

        // Last, the routes that end the caller's own session, each role on a fresh sign-in.
        foreach (var row in RouteMatrix.Rows.Where(r => r.EndsSession))
            foreach (var role in Roles)
            {
                var client = await app.SignInAsync(a.Ws.Slug, a.Emails[role]);
                var response = await SendAsync(client, row, a.Ids, "/account/profile");
                if (role == Role.Owner && row.Key == "POST /team/leave")
                {
                    Expect(response.StatusCode == HttpStatusCode.UnprocessableEntity, row, "Owner may not leave", response);
                    continue;
                }
                Expect((int)response.StatusCode is 302 or 303, row, $"{role} may", response);
                // The session it ended is over on the server: the same cookie now has to sign in again.
                var after = await client.GetAsync("/dashboard");
                Expect(IsSignInRedirect(after) || after.StatusCode == HttpStatusCode.NotFound, row, $"{role}'s session after", after);
            }

        Assert.Equal(before, await TenantRowsHashAsync(b.Ws.TenantId));
        Assert.True(failures.Count == 0, $"{failures.Count} of {probes} probes failed:\n" + string.Join("\n", failures));
        Assert.True(probes > 600, $"Only {probes} probes ran.");
        File.WriteAllText(Path.Combine(Path.GetTempPath(), $"parley-matrix-{app.Provider}.txt"), $"{RouteMatrix.Rows.Length} routes, {probes} probes, {before.Rows} rows of the other workspace unchanged");
    }

    /// <summary>The role's rank reaches the row's, and on a bot's route a Manager or Agent must be assigned (the Agent is, the Manager not).</summary>
    private static bool Allowed(MatrixRow row, Role role) =>
        RankOf(role) >= (int)row.Who && (!row.Bot || role <= Role.Admin || role == Role.Agent);

    private static int RankOf(Role role) => role switch { Role.Agent => (int)Who.Agent, Role.Manager => (int)Who.Manager, Role.Admin => (int)Who.Admin, _ => (int)Who.Owner };

    /// <summary>The handler ran for the caller: a page, a fragment, a redirect of its own, or a validation answer.</summary>
    private static bool Reached(HttpResponseMessage r, MatrixRow row, bool reachedBefore)
    {
        if (IsSignInRedirect(r) || r.Headers.Location?.ToString().Contains("access-denied") == true) return false;
        var status = (int)r.StatusCode;
        if (status == 404) return row.NotFoundIsAnswer || (row.Destroys && reachedBefore);
        return status is < 400 or 409 or 422 or 429;
    }

    private static bool Refused(HttpResponseMessage r, MatrixRow row) =>
        r.StatusCode is HttpStatusCode.Forbidden || r.Headers.Location?.ToString().Contains("/account/access-denied") == true
        || (row.Bot && r.StatusCode == HttpStatusCode.NotFound);

    private static bool IsSignInRedirect(HttpResponseMessage r) =>
        (int)r.StatusCode is 302 or 303 && r.Headers.Location?.ToString().Contains("/account/login") == true;

    private static string Fill(string sample, IReadOnlyDictionary<string, string> ids) =>
        Token.Replace(sample, m => ids.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"No value for {m.Value}"));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, MatrixRow row, IReadOnlyDictionary<string, string> ids, string tokenPage)
    {
        var path = Fill(row.Sample, ids);
        if (path.StartsWith("GET")) path = path[4..];
        if (row.Key.StartsWith("GET"))
        {
            // Headers only: a live stream stays open for as long as the inbox does.
            var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream") response.Content.Dispose();
            else await response.Content.LoadIntoBufferAsync();
            return response;
        }
        var form = (row.Form ?? []).Select(f => new KeyValuePair<string, string>(f.Name, Fill(f.Value, ids))).ToList();
        try { form.Add(new("__RequestVerificationToken", await client.TokenAsync(tokenPage))); }
        catch (Xunit.Sdk.XunitException) { } // no page to take a token from: the post goes without one
        return await client.SendAsync(new HttpRequestMessage(new HttpMethod(row.Key.Split(' ')[0]), path) { Content = new FormUrlEncodedContent(form) });
    }

    private static async Task<HttpResponseMessage> SendAsync(WidgetClient visitor, MatrixRow row, IReadOnlyDictionary<string, string> ids)
    {
        var path = Fill(row.Sample, ids);
        var at = path.IndexOf('?');
        var query = path.StartsWith(visitor.Base) ? path[visitor.Base.Length..] : at >= 0 ? path[at..] : "";
        if (row.Key.StartsWith("GET"))
        {
            // Headers only: the live stream stays open for as long as the widget does.
            var request = new HttpRequestMessage(HttpMethod.Get, visitor.Base + query);
            request.Headers.Add("HX-Request", "true");
            request.Headers.Add("X-Parley-Visitor", visitor.Token);
            var response = await visitor.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream") response.Content.Dispose();
            return response;
        }
        return await visitor.PostAsync(query, (row.Form ?? []).ToDictionary(f => f.Name, f => Fill(f.Value, ids)));
    }

    private async Task<string> SessionCookieAsync(World w)
    {
        var login = await app.Client($"{w.Ws.Slug}.localhost").PostFormAsync("/account/login", Http.Form(("Input.Email", w.Ws.Email), ("Input.Password", w.Ws.Password)));
        return login.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("parley.session=")).Split(';')[0];
    }

    private async Task<HttpResponseMessage> WithCookieAsync(string slug, string cookie, MatrixRow row, IReadOnlyDictionary<string, string> ids)
    {
        var client = app.CreateClient(new() { BaseAddress = new Uri($"http://{slug}.localhost"), AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(new HttpMethod(row.Key.Split(' ')[0]), Fill(row.Sample, ids));
        request.Headers.Add("Cookie", cookie);
        if (request.Method == HttpMethod.Post) request.Content = new FormUrlEncodedContent((row.Form ?? []).ToDictionary(f => f.Name, f => Fill(f.Value, ids)));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream") response.Content.Dispose();
        return response;
    }

    /// <summary>Every tenant-owned row of a workspace, hashed table by table.</summary>
    private Task<(string Hash, int Rows)> TenantRowsHashAsync(Guid tenantId) => app.ScopedAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var conn = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        var all = new StringBuilder();
        var count = 0;
        // The webhook outbox is drained by the platform's dispatcher every few seconds: its rows leave on their own.
        foreach (var table in db.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType) && t.ClrType != typeof(Parley.Features.Webhooks.WebhookEvent))
                     .Select(t => t.GetTableName()!).Distinct().Order())
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table}\" WHERE \"TenantId\" = @t";
            var p = cmd.CreateParameter();
            p.ParameterName = "t";
            p.Value = app.Provider == "Sqlite" ? tenantId.ToString().ToUpperInvariant() : tenantId;
            cmd.Parameters.Add(p);
            var rows = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            all.Append(table).Append(':').Append(rows.Count).Append('\n');
            count += rows.Count;
            foreach (var row in rows.Order()) all.Append(row).Append('\n');
        }
        return (Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all.ToString()))), count);
    });

    /// <summary>One workspace with something of every kind a route can name, and a signed-in member of each role.</summary>
    private sealed class World
    {
        public required SignedUp Ws { get; init; }
        public required Dictionary<string, string> Ids { get; init; }
        public required Dictionary<Role, HttpClient> Members { get; init; }
        public required Dictionary<Role, string> Emails { get; init; }
        public required WidgetClient Visitor { get; init; }

        public static async Task<World> BuildAsync(ParleyApp app)
        {
            var ws = await app.SignUpAsync();
            await app.SetSeatsAsync(ws.TenantId, 20);
            var owner = ws.Tenant;
            var bot = await owner.CreateBotAsync();
            var knowledge = $"/bots/{bot}/knowledge";
            await owner.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Hours"), ("content", "We open at nine on weekdays and at ten on Saturdays.")));
            await owner.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Spare"), ("content", "A spare source, there to be deleted.")));
            await owner.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", $"{ws.Slug}.example.test")));
            await owner.PostFormAsync("/domains", "/domains?handler=Add", Http.Form(("host", $"spare-{ws.Slug}.example.test")));
            var personas = $"/bots/{bot}/settings/personas";
            foreach (var title in new[] { "Kept", "Spare" })
                await owner.PostFormAsync(personas, $"{personas}?handler=Save", Http.Form(("title", title), ("instructions", "Be brief."), ("creativity", "0.3")));
            var starters = $"/bots/{bot}/settings/starters";
            foreach (var title in new[] { "Kept", "Spare" })
                await owner.PostFormAsync(starters, $"{starters}?handler=Add", Http.Form(("kind", "Button"), ("title", title), ("message", "Hello")));
            var localization = $"/bots/{bot}/settings/localization";
            await owner.PostFormAsync(localization, $"{localization}?handler=Add", Http.Form(("code", "es")));

            var emails = new Dictionary<Role, string> { [Role.Owner] = ws.Email };
            foreach (var role in new[] { Role.Admin, Role.Manager }) emails[role] = await app.AddMemberAsync(ws.TenantId, role);
            var agent = await app.AgentOnBotAsync(ws, bot);
            var extra = await app.AddMemberAsync(ws.TenantId, Role.Agent);
            var botId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().Where(c => c.PublicId == bot).Select(c => c.Id).SingleAsync());
            await owner.PostFormAsync("/team", "/team?handler=Invite", Http.Form(("email", $"invitee-{ws.Slug}@example.test"), ("role", "Agent"), ("bots", botId.ToString())));
            await app.WaitForSourcesAsync(ws.TenantId);

            var visitor = new WidgetClient(app, bot);
            await visitor.StartAsync();
            var (html, _) = await visitor.AskAsync("When do you open?");
            var conversation = WidgetClient.ConversationOf(html);

            var ids = await app.ScopedAsync(async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var t = ws.TenantId;
                var sources = await db.Sources.IgnoreQueryFilters().Where(s => s.TenantId == t).ToListAsync();
                var domains = await db.Domains.IgnoreQueryFilters().Where(d => d.TenantId == t).ToListAsync();
                var personaRows = await db.Personas.IgnoreQueryFilters().Where(p => p.TenantId == t && !p.BuiltIn).ToListAsync();
                var starterRows = await db.ConversationStarters.IgnoreQueryFilters().Where(s => s.TenantId == t).ToListAsync();
                var messages = await db.Messages.IgnoreQueryFilters().Where(m => m.ConversationId == conversation).OrderBy(m => m.Id).ToListAsync();
                var members = await db.Memberships.IgnoreQueryFilters().Where(m => m.TenantId == t).Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.Id, u.Email, UserId = u.Id, m.Role }).ToListAsync();
                var agentRow = members.First(m => m.Role == Role.Agent && m.Email != extra);
                emails[Role.Agent] = agentRow.Email!;
                return new Dictionary<string, string>
                {
                    ["bot"] = bot, ["slug"] = ws.Slug, ["conversation"] = conversation.ToString(),
                    ["source"] = sources.Single(s => s.Title == "Hours").Id.ToString(), ["source2"] = sources.Single(s => s.Title == "Spare").Id.ToString(),
                    ["domain"] = domains.Single(d => !d.Host.StartsWith("spare-")).Id.ToString(), ["domain2"] = domains.Single(d => d.Host.StartsWith("spare-")).Id.ToString(),
                    ["persona"] = personaRows.Single(p => p.Title == "Kept").Id.ToString(), ["persona2"] = personaRows.Single(p => p.Title == "Spare").Id.ToString(),
                    ["starter"] = starterRows.Single(s => s.Title == "Kept").Id.ToString(), ["starter2"] = starterRows.Single(s => s.Title == "Spare").Id.ToString(),
                    ["question"] = messages.First(m => m.Role == MessageRole.User).PublicId.ToString(), ["answer"] = messages.First(m => m.Role == MessageRole.Assistant).PublicId.ToString(),
                    ["invitation"] = (await db.Invitations.IgnoreQueryFilters().SingleAsync(i => i.TenantId == t)).Id.ToString(),
                    ["member"] = agentRow.Id.ToString(), ["agentUser"] = agentRow.UserId.ToString(), ["extra"] = members.Single(m => m.Email == extra).Id.ToString(),
                };
            });
            var clients = new Dictionary<Role, HttpClient>
            {
                [Role.Owner] = owner, [Role.Admin] = await app.SignInAsync(ws.Slug, emails[Role.Admin]),
                [Role.Manager] = await app.SignInAsync(ws.Slug, emails[Role.Manager]), [Role.Agent] = agent,
            };
            return new World { Ws = ws, Ids = ids, Members = clients, Emails = emails, Visitor = visitor };
        }
    }
}

internal static class MatrixIds
{
    /// <summary>These ids with another workspace's in their place, except the named one(s).</summary>
    public static Dictionary<string, string> With(this IReadOnlyDictionary<string, string> own, IReadOnlyDictionary<string, string> other, string except) =>
        own.ToDictionary(kv => kv.Key, kv => kv.Key == except ? kv.Value : other[kv.Key]);
}

public sealed class IsolationMatrixTests_Sqlite(SqliteApp app) : IsolationMatrixTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class IsolationMatrixTests_Postgres(PostgresApp app) : IsolationMatrixTests<PostgresApp>(app);
