using Microsoft.Extensions.Options;
using Parley.Features.Audit;
using Parley.Infrastructure.Outbound;

namespace Parley.Features.Webhooks;

/// <summary>A workspace's webhook endpoints and Slack channels: added, switched on and off, removed, tested, redelivered; every change audited.</summary>
public sealed class WebhookService(AppDbContext db, AuditTrail audit, IOptions<OutboundOptions> outbound, TimeProvider clock)
{
    public const int MaxEndpoints = 10;

    public async Task<(WebhookEndpoint? Endpoint, string? Problem)> AddAsync(string? url, string? description, IReadOnlyCollection<string> events, WebhookFormat format, Guid? chatbotId, CancellationToken ct)
    {
        url = url?.Trim() ?? "";
        var problem = UrlProblem(url, format);
        var chosen = events.Where(WebhookEvents.All.Contains).Distinct().ToList();
        problem ??= chosen.Count == 0 ? "Choose at least one event." : null;
        problem ??= await db.WebhookEndpoints.CountAsync(ct) >= MaxEndpoints ? $"A workspace has at most {MaxEndpoints} endpoints; remove one first." : null;
        if (problem is not null) return (null, problem);
        var endpoint = new WebhookEndpoint
        {
            Url = url, Description = (description ?? "").Trim() is { Length: > 200 } d ? d[..200] : (description ?? "").Trim(), Secret = WebhookEndpoint.NewSecret(),
            Events = WebhookEndpoint.JoinEvents(chosen), Format = format, ChatbotId = chatbotId, CreatedAt = clock.GetUtcNow(),
        };
        db.WebhookEndpoints.Add(endpoint);
        audit.Record(format == WebhookFormat.Slack ? "slack.connected" : "webhook.added", "WebhookEndpoint", endpoint.Id.ToString(), url, null, new { Events = chosen });
        await db.SaveChangesAsync(ct);
        return (endpoint, null);
    }

    private string? UrlProblem(string url, WebhookFormat format)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) return "Enter the endpoint's full address, like https://example.com/parley-events.";
        if (uri.Scheme == "http" && !outbound.Value.AllowLoopback) return "Webhooks are sent over https only.";
        try { SafeHttp.CheckUrl(uri, outbound.Value); }
        catch (OutboundRequestRefusedException e) { return e.Message; }
        if (format == WebhookFormat.Slack && !outbound.Value.AllowLoopback && uri.Host != "hooks.slack.com")
            return "A Slack incoming-webhook address starts with https://hooks.slack.com/services/.";
        return url.Length > 2048 ? "That address is too long." : null;
    }

    public async Task<WebhookEndpoint?> SwitchAsync(Guid id, bool on, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null || endpoint.Enabled == on) return endpoint;
        (endpoint.Enabled, endpoint.ConsecutiveFailures) = (on, 0);
        if (on) (endpoint.DisabledAt, endpoint.DisabledReason) = (null, null);
        else (endpoint.DisabledAt, endpoint.DisabledReason) = (clock.GetUtcNow(), "Switched off by hand.");
        audit.Record(on ? "webhook.enabled" : "webhook.disabled", "WebhookEndpoint", endpoint.Id.ToString(), endpoint.Url);
        await db.SaveChangesAsync(ct);
        return endpoint;
    }

    public async Task<WebhookEndpoint?> RemoveAsync(Guid id, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null) return null;
        db.WebhookEndpoints.Remove(endpoint);
        audit.Record(endpoint.Format == WebhookFormat.Slack ? "slack.disconnected" : "webhook.removed", "WebhookEndpoint", endpoint.Id.ToString(), endpoint.Url);
        await db.SaveChangesAsync(ct);
        return endpoint;
    }

    /// <summary>Sends a delivery again as a new delivery (same event id and body), now, whatever became of the first.</summary>
    public async Task<WebhookDelivery?> RedeliverAsync(long deliveryId, CancellationToken ct)
    {
        var old = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (old is null || !await db.WebhookEndpoints.AnyAsync(e => e.Id == old.EndpointId && e.Enabled, ct)) return null;
        var now = clock.GetUtcNow();
        var again = new WebhookDelivery { EndpointId = old.EndpointId, EventId = old.EventId, Type = old.Type, Payload = old.Payload, Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now };
        db.WebhookDeliveries.Add(again);
        audit.Record("webhook.redelivered", "WebhookDelivery", old.Id.ToString(), old.Type);
        await db.SaveChangesAsync(ct);
        return again;
    }
}
