using Parley.Features.Bots;
using Parley.Features.Plans;

namespace Parley.Features.Webhooks;

/// <summary>Webhooks (Owner and Admins): endpoints with their events and signing secret, Slack channels per bot, and the delivery log with Redeliver.</summary>
[TenantHost, Authorize(Policy = Policies.Admin)]
public class IndexModel(AppDbContext db, WebhookService webhooks, PlanLimitsReader plans, CurrentMember me) : PageModel
{
    public List<WebhookEndpoint> Endpoints { get; private set; } = [];
    public List<WebhookDelivery> Deliveries { get; private set; } = [];
    public List<Chatbot> Bots { get; private set; } = [];
    public bool WebhooksAllowed { get; private set; }
    public bool SlackAllowed { get; private set; }
    public bool IsOwner => me.Is(Workspaces.Role.Owner);
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public string? SlackError { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(string? url, string? description, string[]? events, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!WebhooksAllowed) return Refused("Webhooks come with the Gold plan and above.");
        var (endpoint, problem) = await webhooks.AddAsync(url, description, events ?? [], WebhookFormat.Json, null, ct);
        return await DoneAsync(endpoint is null ? null : $"Added {endpoint.Url}. Its signing secret is below.", problem, ct);
    }

    public async Task<IActionResult> OnPostSlackAsync(string? bot, string? url, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!SlackAllowed) return Refused("Slack comes with the Gold plan and above.", slack: true);
        if (Bots.FirstOrDefault(b => b.PublicId == bot) is not { } chosen) return Refused("Choose the chatbot whose news goes to Slack.", slack: true);
        var (endpoint, problem) = await webhooks.AddAsync(url, $"Slack for {chosen.Name}", WebhookEvents.Slack, WebhookFormat.Slack, chosen.Id, ct);
        if (endpoint is null) return Refused(problem!, slack: true);
        return await DoneAsync($"Slack is connected: new leads and visitors asking for a person on {chosen.Name} are posted there.", null, ct);
    }

    public async Task<IActionResult> OnPostSwitchAsync(Guid id, bool on, CancellationToken ct) =>
        await webhooks.SwitchAsync(id, on, ct) is { } e ? await DoneAsync(on ? $"{e.Url} is on again." : $"{e.Url} is off: nothing is sent there until it is on.", null, ct) : NotFound();

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct) =>
        await webhooks.RemoveAsync(id, ct) is { } e ? await DoneAsync($"Removed {e.Url}.", null, ct) : NotFound();

    public async Task<IActionResult> OnPostRedeliverAsync(long id, CancellationToken ct) =>
        await webhooks.RedeliverAsync(id, ct) is { } d ? await DoneAsync($"{d.Type} is queued to be sent again.", null, ct)
            : await DoneAsync(null, "That delivery's endpoint is gone or switched off; switch it on first.", ct);

    private async Task<IActionResult> DoneAsync(string? message, string? error, CancellationToken ct)
    {
        (Message, Error) = (message, error);
        await LoadAsync(ct);
        Response.StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private IActionResult Refused(string problem, bool slack = false)
    {
        if (slack) SlackError = problem; else Error = problem;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var limits = await plans.LimitsAsync(ct);
        (WebhooksAllowed, SlackAllowed) = (limits.Webhooks, limits.Integrations);
        Endpoints = await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(ct);
        Deliveries = await db.WebhookDeliveries.AsNoTracking().OrderByDescending(d => d.Id).Take(50).ToListAsync(ct);
        Bots = await db.Chatbots.AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct);
    }
}
