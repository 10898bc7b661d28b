using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.Options;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Outbound;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Webhooks;

public class WebhookOptions
{
    public const string Section = "Parley:Webhooks";
    /// <summary>Waits before each retry of a failed delivery; after the last, the delivery has failed.</summary>
    /// <remarks>Unset means the default: configuration binding appends to an array that already has values.</remarks>
    public int[]? BackoffSeconds { get; set; }
    public int[] Backoff => BackoffSeconds is { Length: > 0 } set ? set : [60, 300, 1800, 7200, 21600, 43200];
    /// <summary>Failed attempts in a row after which an endpoint is switched off and the owner told.</summary>
    public int DisableAfterFailures { get; set; } = 15;
    /// <summary>How often the dispatcher runs (cron with seconds).</summary>
    public string Cron { get; set; } = "*/5 * * * * *";
}

/// <summary>
/// Runs every few seconds (one instance at a time): turns committed events into deliveries for the endpoints that want
/// them (plan permitting: webhooks on Gold and up, Slack with integrations), then sends what is due. Each delivery is
/// claimed with a conditional write before it is sent, so a crash or a second instance sends it at most once per
/// attempt. JSON deliveries are signed: Parley-Signature: t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}" with the secret}.
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, TenantScopes tenants, SafeHttp http, IOptions<WebhookOptions> options,
    IOptions<Infrastructure.ParleyOptions> parley, TimeProvider clock, ILogger<WebhookDispatcher> log)
{
    public const string Id = "webhooks.dispatch";

    [DisableConcurrentExecution(timeoutInSeconds: 30), AutomaticRetry(Attempts = 0), JobDisplayName("Webhooks: fan out and deliver")]
    public async Task RunAsync(CancellationToken ct)
    {
        await FanOutAsync(ct);
        await DeliverDueAsync(ct);
    }

    public async Task FanOutAsync(CancellationToken ct)
    {
        List<WebhookEvent> events;
        Dictionary<Guid, Tenant> owners;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            events = await WebhookQueues.EventsAsync(db, 500, ct);
            var ids = events.Select(e => e.TenantId).Distinct().ToList();
            owners = await db.Tenants.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        }
        foreach (var group in events.GroupBy(e => e.TenantId))
        {
            if (!owners.TryGetValue(group.Key, out var tenant)) continue;
            await tenants.RunAsync(tenant, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var limits = await sp.GetRequiredService<Plans.PlanLimitsReader>().LimitsAsync(ct);
                var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.Enabled).ToListAsync(ct);
                var bots = endpoints.Count == 0 ? [] : await db.Chatbots.AsNoTracking().ToDictionaryAsync(b => b.Id, b => (b.Name, b.PublicId), ct);
                var now = clock.GetUtcNow();
                foreach (var e in group)
                    foreach (var endpoint in endpoints.Where(x => x.Wants(e.Type, e.ChatbotId) && x.CreatedAt <= e.CreatedAt && (x.Format == WebhookFormat.Slack ? limits.Integrations : limits.Webhooks)))
                        db.WebhookDeliveries.Add(new WebhookDelivery
                        {
                            EndpointId = endpoint.Id, EventId = e.EventId, Type = e.Type, Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
                            Payload = endpoint.Format == WebhookFormat.Slack ? SlackText(e, tenant, bots) : Envelope(e, tenant, bots),
                        });
                var done = group.Select(e => e.Id).ToList();
                // The events are taken in the same transaction as their deliveries are made: a run that finds some already taken
                // (another run got there first) makes none.
                try
                {
                    await db.SaveAtomicallyAsync(async token =>
                    {
                        if (await db.WebhookEvents.Where(e => done.Contains(e.Id)).ExecuteDeleteAsync(token) != done.Count) throw new TakenException();
                    }, ct);
                }
                catch (TakenException) { db.ChangeTracker.Clear(); }
                return 0;
            });
        }
    }

    private string DashboardUrl(Tenant tenant) => TenantHosts.Url(parley.Value, tenant.Slug);

    /// <summary>The JSON every endpoint receives: the event's id (the same on every retry and redelivery), type, time, workspace and data.</summary>
    private string Envelope(WebhookEvent e, Tenant tenant, Dictionary<Guid, (string Name, string PublicId)> bots) => new JsonObject
    {
        ["id"] = e.EventId, ["type"] = e.Type, ["created_at"] = e.CreatedAt, ["workspace"] = tenant.Slug,
        ["bot"] = e.ChatbotId is { } b && bots.TryGetValue(b, out var bot) ? new JsonObject { ["id"] = bot.PublicId, ["name"] = bot.Name } : null,
        ["data"] = JsonNode.Parse(e.Data),
    }.ToJsonString();

    /// <summary>A Slack message: what happened, on which bot, and a link to the conversation in the inbox.</summary>
    private string SlackText(WebhookEvent e, Tenant tenant, Dictionary<Guid, (string Name, string PublicId)> bots)
    {
        var data = JsonNode.Parse(e.Data);
        var bot = e.ChatbotId is { } b && bots.TryGetValue(b, out var found) ? found.Name : "a chatbot";
        var conversation = data?["conversation_id"]?.GetValue<string>();
        var link = conversation is null ? $"{DashboardUrl(tenant)}/leads" : $"{DashboardUrl(tenant)}/inbox?c={conversation}";
        var text = e.Type switch
        {
            WebhookEvents.ConversationEscalated => $":raising_hand: A visitor on {bot} asked for a person: “{data?["title"]?.GetValue<string>()}”. <{link}|Answer in the inbox>",
            WebhookEvents.LeadCreated => $":tada: New lead on {bot}: {data?["name"]?.GetValue<string>() ?? "(no name)"} {data?["email"]?.GetValue<string>()} <{link}|Open>",
            _ => $"{e.Type} on {bot}. <{link}|Open>",
        };
        return JsonSerializer.Serialize(new { text });
    }

    public async Task DeliverDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<(long Id, Guid TenantId)> due;
        Dictionary<Guid, Tenant> owners;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            due = await WebhookQueues.DueAsync(db, now, 50, ct);
            var ids = due.Select(d => d.TenantId).Distinct().ToList();
            owners = await db.Tenants.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        }
        foreach (var (id, tenantId) in due)
        {
            if (!owners.TryGetValue(tenantId, out var tenant)) continue;
            try { await tenants.RunAsync(tenant, sp => SendAsync(sp, id, tenant, ct)); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Webhook delivery {Id} could not be processed", id); }
        }
    }

    private async Task<int> SendAsync(IServiceProvider sp, long id, Tenant tenant, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        // Claimed for five minutes: another run (or instance) does not send it meanwhile; if this one dies, it is sent again after.
        var lease = now.AddMinutes(5);
        if (await db.WebhookDeliveries.Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.NextAttemptAt, lease), ct) != 1) return 0;
        var delivery = await db.WebhookDeliveries.FirstAsync(d => d.Id == id, ct);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == delivery.EndpointId, ct);
        if (endpoint is null || !endpoint.Enabled)
        {
            (delivery.Status, delivery.LastError) = (DeliveryStatus.Failed, "The endpoint is switched off.");
            await db.SaveChangesAsync(ct);
            return 0;
        }
        int? status = null;
        string? error = null;
        try
        {
            var headers = new Dictionary<string, string>();
            if (endpoint.Format == WebhookFormat.Json)
            {
                var t = now.ToUnixTimeSeconds();
                headers["Parley-Signature"] = $"t={t},v1={Sign(endpoint.Secret, t, delivery.Payload)}";
                headers["Parley-Event"] = delivery.Type;
                headers["Parley-Delivery"] = delivery.Id.ToString();
            }
            var (code, body) = await http.PostAsync(new Uri(endpoint.Url), new StringContent(delivery.Payload, Encoding.UTF8, "application/json"), headers, ct);
            status = (int)code;
            if (status is < 200 or >= 300) error = $"Answered {status}: {(body.Length > 200 ? body[..200] : body)}";
        }
        catch (OutboundRequestRefusedException e) { error = e.Message; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            error = e is TaskCanceledException ? "No answer in time." : "Could not connect.";
        }
        delivery.Attempts++;
        (delivery.LastStatusCode, delivery.LastError, delivery.LastAttemptAt) = (status, error, now);
        var o = options.Value;
        if (error is null)
        {
            (delivery.Status, delivery.DeliveredAt) = (DeliveryStatus.Succeeded, now);
            endpoint.ConsecutiveFailures = 0;
            await db.SaveChangesAsync(ct);
            return 0;
        }
        if (delivery.Attempts > o.Backoff.Length) delivery.Status = DeliveryStatus.Failed;
        else delivery.NextAttemptAt = now.AddSeconds(o.Backoff[delivery.Attempts - 1]);
        await db.SaveAtomicallyAsync(async token =>
        {
            await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.ConsecutiveFailures, e => e.ConsecutiveFailures + 1), token);
            // Switched off once, by the attempt that reached the limit, with one mail to the owner.
            if (await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.Enabled && e.ConsecutiveFailures >= o.DisableAfterFailures)
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.Enabled, false).SetProperty(e => e.DisabledAt, now)
                        .SetProperty(e => e.DisabledReason, $"{o.DisableAfterFailures} failed attempts in a row; the last: {error}"), token) == 1)
                await WorkspaceOwner.MailAsync(db, sp.GetRequiredService<Infrastructure.Email.IEmailSender>(), "A webhook endpoint was switched off",
                    [$"Parley could not deliver to {endpoint.Url} {o.DisableAfterFailures} times in a row (the last answer: {error}), so it has stopped sending there.",
                     "Fix the endpoint, then switch it back on and redeliver what it missed on the Webhooks page."], ("Open Webhooks", $"{DashboardUrl(tenant)}/webhooks"), token);
        }, ct);
        return 0;
    }

    private sealed class TakenException : Exception;

    public static string Sign(string secret, long timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}

public static class WebhooksSetup
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        builder.Services.AddScoped<WebhookService>();
        builder.Services.AddTransient<WebhookDispatcher>();
        builder.Services.AddRecurringJob<WebhookDispatcher>(WebhookDispatcher.Id, j => j.RunAsync(CancellationToken.None), sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Cron);
        return builder;
    }
}
