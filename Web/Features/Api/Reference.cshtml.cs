namespace Parley.Features.Api;

/// <summary>The API reference for people: authentication, errors, paging, limits, every endpoint with an example.</summary>
public class ReferenceModel(Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options, Microsoft.Extensions.Options.IOptions<ApiOptions> api) : PageModel
{
    public string Base => Infrastructure.Tenancy.TenantHosts.RootUrl(options.Value) + ApiGate.PathPrefix;
    public int PerMinute => api.Value.RequestsPerMinute;
    public void OnGet() { }
}
