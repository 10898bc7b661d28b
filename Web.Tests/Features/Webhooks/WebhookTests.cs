using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Parley.Features.Webhooks;

namespace Parley.Tests.Features.Webhooks;

/// <summary>A receiver on loopback standing in for a customer's endpoint and a Slack channel: records what arrives, answers what it is told.</summary>
public sealed class Receiver : IAsyncLifetime
{
    public sealed record Hit(string Path, Dictionary<string, string> Headers, string Body);
    private WebApplication? site;
    public int Port { get; private set; }
    public ConcurrentQueue<Hit> Hits { get; } = new();
    /// <summary>Statuses to answer with, in turn; 200 once they run out (or always this one when set).</summary>
    public ConcurrentQueue<int> Next { get; } = new();
    public int? Always { get; set; }

    public async Task InitializeAsync() => (site, Port) = await LoopbackServer.StartAsync(app => app.MapPost("/{**path}", async (HttpContext c) =>
    {
        var body = await new StreamReader(c.Request.Body).ReadToEndAsync();
        Hits.Enqueue(new Hit(c.Request.Path, c.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()), body));
        return Results.StatusCode(Always ?? (Next.TryDequeue(out var s) ? s : 200));
    }));

    public async Task DisposeAsync() { if (site is not null) await site.DisposeAsync(); }
}

/// <summary>Events reach endpoints signed, after the change commits, retried with backoff, redelivered by hand, and a failing endpoint is switched off with a mail.</summary>
public abstract class WebhookTests<TApp>(Receiver receiver) : IClassFixture<Receiver> where TApp : ParleyApp, new()
{
    private async Task<TApp> AppAsync()
    {
        var app = new TApp
        {
            Settings = new()
            {
                ["Parley:Outbound:AllowLoopback"] = "true",
                ["Parley:Outbound:ExtraPorts:0"] = receiver.Port.ToString(),
                ["Parley:Webhooks:BackoffSeconds:0"] = "0",
                ["Parley:Webhooks:BackoffSeconds:1"] = "0",
                ["Parley:Webhooks:BackoffSeconds:2"] = "0",
                ["Parley:Webhooks:DisableAfterFailures"] = "4",
                ["Parley:Webhooks:Cron"] = "0 0 1 1 *", // the tests run the dispatcher themselves
            },
        };
        await app.InitializeAsync();
        return app;
    }

    private static Task RunAsync(ParleyApp app) => app.Services.GetRequiredService<WebhookDispatcher>().RunAsync(default);

    private static Task<List<WebhookDelivery>> DeliveriesAsync(ParleyApp app, Guid tenantId) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().WebhookDeliveries.IgnoreQueryFilters().Where(d => d.TenantId == tenantId).OrderBy(d => d.Id).ToListAsync());

    [Fact]
    public async Task Events_are_signed_retried_redelivered_and_a_failing_endpoint_is_switched_off()
    {
        await using var app = await AppAsync();
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years from the day of purchase.");
        var page = await (await ws.Tenant.GetAsync("/webhooks")).TextAsync();
        Assert.Contains("Webhooks and Slack come with the Gold plan", page);
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Webhooks, true);
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Integrations, true);
        var bad = await ws.Tenant.PostFormAsync("/webhooks", "/webhooks?handler=Add", Http.Form(("url", "ftp://example.com/x"), ("events", "lead.created")), htmx: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var url = $"http://127.0.0.1:{receiver.Port}/hooks/crm";
        (await ws.Tenant.PostFormAsync("/webhooks", "/webhooks?handler=Add", new KeyValuePair<string, string>[] { new("url", url), new("events", "source.ready"), new("events", "message.created"), new("events", "conversation.escalated") }, htmx: false))
            .AssertStatus(HttpStatusCode.OK);
        var endpoint = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().WebhookEndpoints.IgnoreQueryFilters().SingleAsync(e => e.TenantId == ws.TenantId));

        // A widget question and its answer: two message.created, sent only by the job, signed with the endpoint's secret.
        receiver.Hits.Clear();
        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        await visitor.AskAsync("How long is the warranty?");
        Assert.Empty(receiver.Hits); // nothing is sent inside the visitor's request
        await RunAsync(app);
        var hits = receiver.Hits.Where(h => h.Path == "/hooks/crm").ToList();
        Assert.Equal(["message.created", "message.created"], hits.Select(h => h.Headers["Parley-Event"]));
        foreach (var hit in hits)
        {
            var signature = hit.Headers["Parley-Signature"];
            var t = long.Parse(signature.Split(',')[0]["t=".Length..]);
            Assert.Equal($"t={t},v1={WebhookDispatcher.Sign(endpoint.Secret, t, hit.Body)}", signature);
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, 0, 60);
        }
        var question = JsonDocument.Parse(hits[0].Body).RootElement;
        Assert.Equal(("message.created", ws.Slug, bot), (question.GetProperty("type").GetString(), question.GetProperty("workspace").GetString(), question.GetProperty("bot").GetProperty("id").GetString()));
        Assert.Equal(("user", "How long is the warranty?"), (question.GetProperty("data").GetProperty("message").GetProperty("role").GetString(), question.GetProperty("data").GetProperty("message").GetProperty("content").GetString()));
        Assert.Contains("two years", JsonDocument.Parse(hits[1].Body).RootElement.GetProperty("data").GetProperty("message").GetProperty("content").GetString());

        // A source trained while the endpoint answers 500 twice: retried, then delivered, with the attempts on record.
        receiver.Hits.Clear();
        receiver.Next.Enqueue(500);
        receiver.Next.Enqueue(503);
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", "Returns"), ("content", "Refunds are paid within 30 days.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        for (var i = 0; i < 3; i++) await RunAsync(app);
        var ready = (await DeliveriesAsync(app, ws.TenantId)).Single(d => d.Type == "source.ready");
        Assert.Equal((DeliveryStatus.Succeeded, 3, 200), (ready.Status, ready.Attempts, ready.LastStatusCode));
        var readyHits = receiver.Hits.Where(h => h.Headers["Parley-Event"] == "source.ready").ToList();
        Assert.Equal(3, readyHits.Count);
        Assert.Single(readyHits.Select(h => JsonDocument.Parse(h.Body).RootElement.GetProperty("id").GetString()).Distinct()); // one event id across attempts
        Assert.Equal("Returns", JsonDocument.Parse(readyHits[0].Body).RootElement.GetProperty("data").GetProperty("title").GetString());
        var log = await (await ws.Tenant.GetAsync("/webhooks")).TextAsync();
        Assert.Contains("Delivered (200)", log);

        // Redeliver by hand: the same event and body again.
        receiver.Hits.Clear();
        (await ws.Tenant.PostFormAsync("/webhooks", $"/webhooks?handler=Redeliver&id={ready.Id}", [], htmx: false)).AssertStatus(HttpStatusCode.OK);
        await RunAsync(app);
        var again = Assert.Single(receiver.Hits);
        Assert.Equal(readyHits[0].Body, again.Body);

        // An endpoint that keeps failing is switched off after four failed attempts in a row, once, and the owner is told.
        receiver.Always = 500;
        try
        {
            await visitor.AskAsync("Is the warranty longer for the pro kettle?");
            for (var i = 0; i < 4; i++) await RunAsync(app);
            var off = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().WebhookEndpoints.IgnoreQueryFilters().SingleAsync(e => e.Id == endpoint.Id));
            Assert.False(off.Enabled);
            Assert.Contains("4 failed attempts in a row", off.DisabledReason);
            var mail = await app.Mail.WaitForAsync(ws.Email, "A webhook endpoint was switched off");
            Assert.Contains(url, mail.Text);
            receiver.Hits.Clear();
            await visitor.AskAsync("And the lid?");
            await RunAsync(app);
            Assert.Empty(receiver.Hits); // nothing goes to a switched-off endpoint
            Assert.Contains("Off: 4 failed attempts", await (await ws.Tenant.GetAsync("/webhooks")).TextAsync());
        }
        finally { receiver.Always = null; }
        (await ws.Tenant.PostFormAsync("/webhooks", $"/webhooks?handler=Switch&id={endpoint.Id}&on=true", [], htmx: false)).AssertStatus(HttpStatusCode.OK);
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().WebhookEndpoints.IgnoreQueryFilters().Where(e => e.Id == endpoint.Id).Select(e => e.Enabled).SingleAsync()));
    }

    [Fact]
    public async Task Slack_hears_of_leads_and_visitors_asking_for_a_person_endpoints_of_resolutions_and_other_workspaces_hear_nothing()
    {
        await using var app = await AppAsync();
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years from the day of purchase.");
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Integrations, true);
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Webhooks, true);
        await ws.Tenant.EnableHumanSupportAsync(bot);
        var leads = $"/bots/{bot}/settings/leads";
        (await ws.Tenant.PostFormAsync(leads, leads, Http.Form(("Input.Enabled", "true"), ("Input.CollectName", "true"), ("Input.Industry", "custom"),
            ("Input.Trigger", "AfterMessages"), ("Input.AfterMessages", "1")))).AssertStatus(HttpStatusCode.OK);
        var slack = $"http://127.0.0.1:{receiver.Port}/slack/T0/B0";
        (await ws.Tenant.PostFormAsync("/webhooks", "/webhooks?handler=Slack", Http.Form(("bot", bot), ("url", slack)), htmx: false)).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.PostFormAsync("/webhooks", "/webhooks?handler=Add", new KeyValuePair<string, string>[]
            { new("url", $"http://127.0.0.1:{receiver.Port}/hooks/crm"), new("events", "lead.created"), new("events", "conversation.resolved") }, htmx: false)).AssertStatus(HttpStatusCode.OK);
        var other = await app.SignUpAsync(); // no endpoints: its events go nowhere
        receiver.Hits.Clear();

        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        await visitor.AskAsync("Can I speak to someone about a broken kettle?");
        var conversation = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Conversations.IgnoreQueryFilters().Where(c => c.TenantId == ws.TenantId).Select(c => c.Id).SingleAsync());
        (await visitor.PostAsync($"?handler=Escalate&conversationId={conversation}", [])).AssertStatus(HttpStatusCode.OK);
        await RunAsync(app);
        var posted = Assert.Single(receiver.Hits, h => h.Path.StartsWith("/slack/"));
        var text = JsonDocument.Parse(posted.Body).RootElement.GetProperty("text").GetString();
        Assert.Contains("A visitor on Kettle asked for a person", text);
        Assert.Contains($"/inbox?c={conversation}|Answer in the inbox>", text);
        Assert.False(posted.Headers.ContainsKey("Parley-Signature")); // Slack's own address is the secret

        // A lead: to Slack and to the endpoint; resolving the conversation in the inbox: to the endpoint only.
        receiver.Hits.Clear();
        (await visitor.PostAsync($"?handler=Lead&conversationId={conversation}", new() { ["name"] = "Ana Lima", ["email"] = "ana@example.com" })).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.PostFormAsync("/inbox", $"/inbox?handler=Resolve&id={conversation}", [])).AssertStatus(HttpStatusCode.OK);
        await RunAsync(app);
        Assert.Contains("New lead on Kettle: Ana Lima ana@example.com", JsonDocument.Parse(Assert.Single(receiver.Hits, h => h.Path.StartsWith("/slack/")).Body).RootElement.GetProperty("text").GetString());
        var crm = receiver.Hits.Where(h => h.Path == "/hooks/crm").Select(h => JsonDocument.Parse(h.Body).RootElement).ToList();
        Assert.Equal(["lead.created", "conversation.resolved"], crm.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("ana@example.com", crm[0].GetProperty("data").GetProperty("email").GetString());
        Assert.Equal(conversation.ToString(), crm[1].GetProperty("data").GetProperty("conversation_id").GetString());

        Assert.Empty(await DeliveriesAsync(app, other.TenantId));
        // Message events are not Slack's: only escalations and leads were queued for it.
        Assert.All((await DeliveriesAsync(app, ws.TenantId)).Where(d => d.Payload.StartsWith("{\"text\"")), d => Assert.Contains(d.Type, WebhookEvents.Slack));
    }
}

public sealed class WebhookTests_Sqlite(Receiver receiver) : WebhookTests<SqliteApp>(receiver);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class WebhookTests_Postgres(Receiver receiver) : WebhookTests<PostgresApp>(receiver);
