using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Features.Api;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Api;

/// <summary>The public API: keys made on the dashboard, scopes, expiry and revocation, workspaces apart, every endpoint, paging, problem details, limits and the request log.</summary>
public abstract class ApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static readonly Regex Secret = new("pk_[0-9a-f]{8}_[0-9a-f]{40}");

    /// <summary>A workspace with the API on its plan and a key with the given scopes, made through the API keys page.</summary>
    private async Task<(SignedUp Ws, string Bot, string Key)> WorkspaceWithKeyAsync(string scopes = "read,write,chat", ParleyApp? on = null)
    {
        on ??= app;
        var (ws, bot) = await on.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years from the day of purchase.");
        await on.SetLimitAsync(ws.TenantId, s => s.Limits.ApiAccess, true);
        var fields = new List<(string, string)> { ("name", "CMS"), ("expires", "90") };
        fields.AddRange(scopes.Split(',').Select(s => (s, "true")));
        var created = await ws.Tenant.PostFormAsync("/api-keys", "/api-keys?handler=Create", Http.Form([.. fields]), htmx: false);
        created.AssertStatus(HttpStatusCode.OK);
        Assert.True(created.Headers.CacheControl?.NoStore, "The page with the secret must not be stored.");
        return (ws, bot, Secret.Match(await created.TextAsync()).Value);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? key, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null) request.Content = new StringContent(JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
        return request;
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> CallAsync(HttpMethod method, string path, string? key, object? json = null, HttpClient? client = null)
    {
        var response = await (client ?? app.Client()).SendAsync(Request(method, path, key, json));
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement : default);
    }

    [Fact]
    public async Task Keys_are_made_once_scoped_revocable_expiring_and_never_see_another_workspace()
    {
        // Without the API on the plan: the page says how to get it and makes no key.
        var free = await app.SignUpAsync();
        var page = await (await free.Tenant.GetAsync("/api-keys")).TextAsync();
        Assert.Contains("The API comes with the Silver plan and above", page);
        (await free.Tenant.PostFormAsync("/api-keys", "/api-keys?handler=Create", Http.Form(("name", "x"), ("read", "true")), htmx: false)).AssertStatus(HttpStatusCode.UnprocessableEntity);

        var (ws, bot, key) = await WorkspaceWithKeyAsync();
        Assert.Matches(Secret, key);
        var stored = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ApiKeys.IgnoreQueryFilters().SingleAsync(k => k.TenantId == ws.TenantId));
        Assert.Equal((key[..11], ApiKey.HashOf(key), ApiScope.Read | ApiScope.Write | ApiScope.Chat), (stored.Prefix, stored.Hash, stored.Scopes));
        Assert.InRange((stored.ExpiresAt!.Value - DateTimeOffset.UtcNow).TotalDays, 89, 91);
        var list = await (await ws.Tenant.GetAsync("/api-keys")).TextAsync();
        Assert.Contains($"{key[..11]}…", list);
        Assert.DoesNotContain(key, list); // shown once, never again

        var (ok, body) = await CallAsync(HttpMethod.Get, "/api/v1/bots", key);
        ok.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(bot, body.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal("120", ok.Headers.GetValues("RateLimit-Limit").Single());
        Assert.Equal("119", ok.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal("Kettle", (await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}", key)).Body.GetProperty("name").GetString());

        var (missing, problem) = await CallAsync(HttpMethod.Get, "/api/v1/bots", null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Missing API key", problem.GetProperty("title").GetString());
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.ToString());
        var forged = key[..12] + new string('0', 40);
        Assert.Equal("This API key is not valid.", (await CallAsync(HttpMethod.Get, "/api/v1/bots", forged)).Body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(HttpMethod.Get, "/api/v1/bots", "pk_nonsense")).Response.StatusCode);
        // The API lives on the root host only.
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(HttpMethod.Get, "/api/v1/bots", key, client: app.Client($"{ws.Slug}.localhost"))).Response.StatusCode);

        // Scopes: a read-only key reads but may neither write nor chat.
        var readOnly = await ws.Tenant.PostFormAsync("/api-keys", "/api-keys?handler=Create", Http.Form(("name", "Reports"), ("read", "true"), ("expires", "0")), htmx: false);
        var reader = Secret.Match(await readOnly.TextAsync()).Value;
        (await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/sources", reader)).Response.AssertStatus(HttpStatusCode.OK);
        var (refused, why) = await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/sources", reader, new { type = "text", content = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Missing scope", why.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/messages", reader, new { message = "hi" })).Response.StatusCode);

        // Another workspace's key sees none of this workspace, even when it names its ids.
        var (other, otherBot, otherKey) = await WorkspaceWithKeyAsync();
        var (theirs, theirList) = await CallAsync(HttpMethod.Get, "/api/v1/bots", otherKey);
        Assert.Equal([otherBot], theirList.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        var sourceId = (await app.WaitForSourcesAsync(ws.TenantId)).Single().Id;
        foreach (var (method, path) in new[] { (HttpMethod.Get, $"/api/v1/bots/{bot}"), (HttpMethod.Get, $"/api/v1/bots/{bot}/sources"), (HttpMethod.Get, $"/api/v1/bots/{otherBot}/sources/{sourceId}"),
                     (HttpMethod.Delete, $"/api/v1/bots/{otherBot}/sources/{sourceId}"), (HttpMethod.Get, $"/api/v1/bots/{bot}/conversations"), (HttpMethod.Get, $"/api/v1/leads?bot_id={bot}") })
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(method, path, otherKey)).Response.StatusCode);
        Assert.Single(await app.WaitForSourcesAsync(ws.TenantId)); // still there

        // Revoked and expired keys stop at once.
        var revoke = await ws.Tenant.PostFormAsync("/api-keys", $"/api-keys?handler=Revoke&id={stored.Id}", [], htmx: false);
        Assert.Contains("is revoked", await revoke.TextAsync());
        Assert.Equal("This API key was revoked.", (await CallAsync(HttpMethod.Get, "/api/v1/bots", key)).Body.GetProperty("detail").GetString());
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ApiKeys.IgnoreQueryFilters().Where(k => k.Prefix == reader.Substring(0, 11))
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        Assert.StartsWith("This API key expired", (await CallAsync(HttpMethod.Get, "/api/v1/bots", reader)).Body.GetProperty("detail").GetString());

        // A plan without the API refuses even a good key.
        await app.SetLimitAsync(other.TenantId, s => s.Limits.ApiAccess, false);
        var (noPlan, planProblem) = await CallAsync(HttpMethod.Get, "/api/v1/bots", otherKey);
        Assert.Equal(HttpStatusCode.Forbidden, noPlan.StatusCode);
        Assert.Contains("Silver plan", planProblem.GetProperty("detail").GetString());
        var audit = await (await ws.Tenant.GetAsync("/audit")).TextAsync();
        Assert.Contains("CMS", audit);
    }

    [Fact]
    public async Task The_api_drives_a_whole_flow_add_knowledge_wait_ask_and_read_the_conversation()
    {
        var (ws, bot, key) = await WorkspaceWithKeyAsync();
        var (bad, badBody) = await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/sources", key, new { type = "poem" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("text, qa, website or sitemap", badBody.GetProperty("detail").GetString());
        var malformed = await app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bots/{bot}/sources")
        {
            Headers = { Authorization = new("Bearer", key) }, Content = new StringContent("{not json", Encoding.UTF8, "application/json"),
        });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bots/{bot}/sources")
        {
            Headers = { Authorization = new("Bearer", key) }, Content = new StringContent("type=text", Encoding.UTF8, "text/plain"),
        })).StatusCode);

        var (added, source) = await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/sources", key, new { type = "text", title = "Returns", content = "Refunds are paid to the original card within 30 days of the return." });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var sourceId = source.GetProperty("id").GetString();
        string? status = null;
        for (var i = 0; i < 300 && status is not ("ready" or "failed"); i++)
        {
            status = (await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/sources/{sourceId}", key)).Body.GetProperty("status").GetString();
            if (status is not ("ready" or "failed")) await Task.Delay(100);
        }
        Assert.Equal("ready", status);
        (await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/sources", key, new { type = "qa", question = "Do you ship abroad?", answer = "Yes, to 40 countries." })).Response.AssertStatus(HttpStatusCode.Created);

        // Paging: newest first, two at a time, nothing twice, nothing missed.
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (pageResponse, pageBody) = await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/sources?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", key);
            pageResponse.AssertStatus(HttpStatusCode.OK);
            seen.AddRange(pageBody.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("title").GetString()!));
            cursor = pageBody.GetProperty("next_cursor").GetString();
        } while (cursor is not null);
        Assert.Equal(["Do you ship abroad?", "Returns", "Warranty"], seen);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/sources?cursor=forged", key)).Response.StatusCode);

        // Ask, as JSON: the answer cites what was just added.
        var (asked, answer) = await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/messages", key, new { message = "How long do refunds take?", visitor_id = "customer-42" });
        asked.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("answered", answer.GetProperty("state").GetString());
        Assert.Contains("30 days", answer.GetProperty("answer").GetProperty("content").GetString());
        Assert.Equal("Returns", answer.GetProperty("answer").GetProperty("sources")[0].GetProperty("title").GetString());
        var conversationId = answer.GetProperty("conversation_id").GetString();

        // Streamed, in the same conversation: tokens, then the stored answer.
        var stream = await app.Client().SendAsync(Request(HttpMethod.Post, $"/api/v1/bots/{bot}/messages", key, new { message = "How long is the warranty?", conversation_id = conversationId, stream = true }));
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        var events = Regex.Matches(await stream.Content.ReadAsStringAsync(), @"event: (\w+)\ndata: (.*)\n").Select(m => (Name: m.Groups[1].Value, Data: m.Groups[2].Value)).ToList();
        Assert.Equal("question", events[0].Name);
        Assert.Contains(events, e => e.Name == "token");
        var done = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.Equal(("done", "answered"), (events[^1].Name, done.GetProperty("state").GetString()));
        Assert.Contains("two years", done.GetProperty("answer").GetProperty("content").GetString());
        Assert.Equal(string.Concat(events.Where(e => e.Name == "token").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString())).Trim(),
            done.GetProperty("answer").GetProperty("content").GetString());

        // The conversation, with both turns; listed with the bot's conversations; counted in this month's messages.
        var (read, conversation) = await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/conversations/{conversationId}", key);
        read.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(["user", "assistant", "user", "assistant"], conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("api", conversation.GetProperty("conversation").GetProperty("channel").GetString());
        var listed = (await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/conversations?status=open", key)).Body.GetProperty("data");
        Assert.Equal(conversationId, listed[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/conversations?status=lost", key)).Response.StatusCode);
        var usage = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().UsagePeriods.IgnoreQueryFilters().Where(u => u.TenantId == ws.TenantId).SumAsync(u => u.Messages));
        Assert.Equal(2, usage);
        // The same visitor id continues as the same visitor.
        var (again, second) = await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/messages", key, new { message = "Thanks!", visitor_id = "customer-42" });
        again.AssertStatus(HttpStatusCode.OK);
        var visitors = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Conversations.IgnoreQueryFilters()
            .Where(c => c.TenantId == ws.TenantId).Select(c => c.VisitorId).Distinct().CountAsync());
        Assert.Equal(1, visitors);
        Assert.NotEqual(conversationId, second.GetProperty("conversation_id").GetString());

        // Delete and re-sync; leads (none yet) as JSON and CSV.
        (await CallAsync(HttpMethod.Post, $"/api/v1/bots/{bot}/sources/{sourceId}/resync", key)).Response.AssertStatus(HttpStatusCode.Accepted);
        await app.WaitForSourcesAsync(ws.TenantId);
        (await CallAsync(HttpMethod.Delete, $"/api/v1/bots/{bot}/sources/{sourceId}", key)).Response.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(HttpMethod.Get, $"/api/v1/bots/{bot}/sources/{sourceId}", key)).Response.StatusCode);
        Assert.Equal(0, (await CallAsync(HttpMethod.Get, "/api/v1/leads", key)).Body.GetProperty("data").GetArrayLength());
        var csv = await app.Client().SendAsync(Request(HttpMethod.Get, "/api/v1/leads.csv", key));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Name,Email,Phone", (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF'));
        var file = new MultipartFormDataContent { { new ByteArrayContent("Opening hours: 9 to 5 on weekdays."u8.ToArray()), "file", "hours.txt" } };
        var upload = await app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bots/{bot}/sources/files") { Headers = { Authorization = new("Bearer", key) }, Content = file });
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var openapi = await app.Client().GetStringAsync("/api/v1/openapi.json");
        Assert.Contains("/api/v1/bots/{botId}/messages", openapi);
        Assert.Contains("Parley API", openapi);
    }

    [Fact]
    public async Task Each_key_has_a_shared_minute_budget_and_every_request_is_logged_and_kept_for_a_while()
    {
        await using var strict = app.Twin();
        strict.Settings["Parley:Api:RequestsPerMinute"] = "3";
        await strict.InitializeAsync();
        var (ws, bot, key) = await WorkspaceWithKeyAsync(on: strict);
        await using var other = strict.Twin(); // a second instance on the same database
        await other.InitializeAsync();
        // All the requests below fall in one minute's window.
        if (DateTime.UtcNow.Second >= 45) await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second));
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await strict.Client().SendAsync(Request(HttpMethod.Get, "/api/v1/bots", key));
            codes.Add(last.StatusCode);
        }
        // The other instance shares the budget: it is counted in the database.
        var elsewhere = await other.Client().SendAsync(Request(HttpMethod.Get, $"/api/v1/bots/{bot}", key));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal("0", last!.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.InRange(int.Parse(last.Headers.RetryAfter!.ToString()), 1, 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, elsewhere.StatusCode);

        var log = await (await ws.Tenant.GetAsync("/api-keys/log")).TextAsync();
        Assert.Contains("GET /api/v1/bots", log);
        Assert.Contains(">429<", log);
        Assert.Contains(">200<", log);
        var errorsOnly = await (await ws.Tenant.GetAsync("/api-keys/log?errors=true")).TextAsync();
        Assert.DoesNotContain(">200<", errorsOnly);
        var used = await strict.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ApiKeys.IgnoreQueryFilters().SingleAsync(k => k.TenantId == ws.TenantId));
        Assert.NotNull(used.LastUsedAt);
        Assert.Contains($"{used.LastUsedAt:d MMM yyyy HH:mm} UTC", await (await ws.Tenant.GetAsync("/api-keys")).TextAsync());

        // Retention: 30 days on this plan; older rows and old rate windows go, recent ones stay.
        var kept = await strict.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.ApiRequestLogs.IgnoreQueryFilters().Where(r => r.TenantId == ws.TenantId).OrderBy(r => r.Id).Take(1)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.At, DateTimeOffset.UtcNow.AddDays(-31)));
            await db.ApiRateWindows.IgnoreQueryFilters().Where(w => w.TenantId == ws.TenantId).ExecuteUpdateAsync(u => u.SetProperty(w => w.WindowStart, DateTimeOffset.UtcNow.AddHours(-2)));
            var tenant = await db.Tenants.SingleAsync(t => t.Id == ws.TenantId);
            var before = await db.ApiRequestLogs.IgnoreQueryFilters().CountAsync(r => r.TenantId == ws.TenantId);
            using (sp.GetRequiredService<ITenantContext>().Use(tenant))
                await ActivatorUtilities.CreateInstance<ApiLogSweepJob>(sp).SweepAsync(sp, default);
            return (before, await db.ApiRequestLogs.IgnoreQueryFilters().CountAsync(r => r.TenantId == ws.TenantId),
                await db.ApiRateWindows.IgnoreQueryFilters().CountAsync(w => w.TenantId == ws.TenantId));
        });
        Assert.Equal((kept.before - 1, 0), (kept.Item2, kept.Item3));
    }
}

public sealed class ApiTests_Sqlite(SqliteApp app) : ApiTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class ApiTests_Postgres(PostgresApp app) : ApiTests<PostgresApp>(app);
