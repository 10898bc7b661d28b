using Microsoft.Extensions.Options;
using Parley.Features.Plans;

namespace Parley.Features.Api;

/// <summary>API keys (Owner and Admins): make one (name, scopes, expiry; the secret shown once), see when each was last used, revoke.</summary>
[TenantHost, Authorize(Policy = Policies.Admin)]
public class KeysModel(ApiKeyService keys, PlanLimitsReader plans, CurrentMember me, IOptions<Infrastructure.ParleyOptions> options, IOptions<ApiOptions> api, TimeProvider clock) : PageModel
{
    public List<ApiKey> Keys { get; private set; } = [];
    /// <summary>Whether the plan includes the API; without it the page says how to get it.</summary>
    public bool Allowed { get; private set; }
    public bool IsOwner => me.Is(Workspaces.Role.Owner);
    public NewApiKey? Created { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }
    public string ApiBase => Infrastructure.Tenancy.TenantHosts.RootUrl(options.Value) + ApiGate.PathPrefix;
    public int PerMinute => api.Value.RequestsPerMinute;
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, bool read, bool write, bool chat, int? expires, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!Allowed)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Error = "The API comes with the Silver plan and above.";
            return Page();
        }
        var scopes = (read ? ApiScope.Read : 0) | (write ? ApiScope.Write : 0) | (chat ? ApiScope.Chat : 0);
        (Created, Error) = await keys.CreateAsync(name, scopes, expires is 0 ? null : expires, ct);
        Response.Headers.CacheControl = "no-store"; // the secret is on this page once
        if (Created is null) Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        var key = await keys.RevokeAsync(id, ct);
        if (key is null) return NotFound();
        Message = $"\"{key.Name}\" ({key.Prefix}…) is revoked: requests with it are refused from now on.";
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Allowed = (await plans.LimitsAsync(ct)).ApiAccess;
        Keys = await keys.ListAsync(ct);
    }
}
