using Microsoft.Extensions.Options;

namespace Parley.Infrastructure.Tenancy;

/// <summary>
/// Resolves the tenant from the first host label under the app domain (Finbuckle's host strategy).
/// The root host has no tenant; an unknown or suspended slug is answered by the not-found page.
/// </summary>
public sealed class TenantResolutionMiddleware(RequestDelegate next, IOptions<ParleyOptions> options)
{
    public const string NotFoundPath = "/workspace-not-found";

    public async Task InvokeAsync(HttpContext http, TenantContext tenants, AppDbContext db)
    {
        var slug = TenantHosts.SlugOf(http.Request.Host.Host, options.Value.AppDomain);
        if (slug is null || http.Request.Path.StartsWithSegments("/healthz") || http.Request.Path.StartsWithSegments("/readyz"))
        {
            await next(http);
            return;
        }

        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, http.RequestAborted);
        if (tenant is null)
        {
            var moved = await db.SlugRedirects.AsNoTracking()
                .Where(r => r.OldSlug == slug)
                .Join(db.Tenants, r => r.TenantId, t => t.Id, (r, t) => t.Slug)
                .FirstOrDefaultAsync(http.RequestAborted);
            if (moved is not null)
            {
                var url = TenantHosts.Url(http.Request, moved, options.Value.AppDomain) + http.Request.Path + http.Request.QueryString;
                http.Response.Redirect(url, permanent: true);
                return;
            }
        }
        if (tenant is null || tenant.Status != Features.Workspaces.TenantStatus.Active)
        {
            http.Items[NotFoundPath] = slug;
            http.Request.Path = NotFoundPath;
            http.Request.QueryString = QueryString.Empty;
            http.Request.Method = HttpMethods.Get;
            await next(http);
            return;
        }

        tenants.Use(tenant);
        await next(http);
    }
}

public static class TenantHosts
{
    /// <summary>The tenant slug of a host, or null for the root host and hosts outside the app domain.</summary>
    public static string? SlugOf(string host, string appDomain)
    {
        host = host.ToLowerInvariant().TrimEnd('.');
        var suffix = "." + appDomain;
        if (!host.EndsWith(suffix, StringComparison.Ordinal)) return null;
        var label = host[..^suffix.Length];
        // Deeper hosts (a.b.parley.example) are no tenant's; keep them out with a label no slug can have.
        return label.Contains('.') ? "-" : label;
    }

    /// <summary>The base URL of a tenant's dashboard, keeping the scheme and port of the current request.</summary>
    public static string Url(HttpRequest request, string slug, string appDomain)
    {
        var port = request.Host.Port is { } p ? $":{p}" : "";
        return $"{request.Scheme}://{slug}.{appDomain}{port}";
    }

    public static string RootUrl(HttpRequest request, string appDomain)
    {
        var port = request.Host.Port is { } p ? $":{p}" : "";
        return $"{request.Scheme}://{appDomain}{port}";
    }
}
