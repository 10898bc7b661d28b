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
        var health = http.Request.Path.StartsWithSegments("/healthz") || http.Request.Path.StartsWithSegments("/readyz");
        if (!health && !TenantHosts.IsServed(http.Request.Host.Host, options.Value))
        {
            // A request for a host that is not ours (a forged Host header, a stray DNS name) is refused outright: nothing
            // may be built from such a host, and no page should be served under it.
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("Unknown host.", http.RequestAborted);
            return;
        }
        var slug = TenantHosts.SlugOf(http.Request.Host.Host, options.Value.AppDomain);
        if (slug is null || health)
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
                var url = TenantHosts.Url(options.Value, moved) + http.Request.Path + http.Request.QueryString;
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
    /// <summary>The tenant slug of a host, or null for the root host and hosts outside the app domain ("-" for deeper hosts).</summary>
    public static string? SlugOf(string host, string appDomain)
    {
        host = host.ToLowerInvariant().TrimEnd('.');
        var suffix = "." + appDomain;
        if (!host.EndsWith(suffix, StringComparison.Ordinal)) return null;
        var label = host[..^suffix.Length];
        // Deeper hosts (a.b.parley.example) are no tenant's; keep them out with a label no slug can have.
        return label.Contains('.') ? "-" : label;
    }

    /// <summary>The base URL of a tenant's dashboard: scheme and port of PublicBaseUrl, host from AppDomain; never the request's Host.</summary>
    public static string Url(ParleyOptions options, string slug) => Base(options, $"{slug}.{options.AppDomain}");

    /// <summary>The root host's base URL (sign-up, workspace picker, widget), from configuration alone.</summary>
    public static string RootUrl(ParleyOptions options) => Base(options, options.AppDomain);

    private static string Base(ParleyOptions options, string host)
    {
        var configured = new Uri(options.PublicBaseUrl);
        return $"{configured.Scheme}://{host}{(configured.IsDefaultPort ? "" : $":{configured.Port}")}";
    }

    /// <summary>The configured base URL of the host serving this request (its workspace, or the root host): for links in mail.</summary>
    public static string PublicBase(this HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<ParleyOptions>>().Value;
        return http.RequestServices.GetRequiredService<ITenantContext>().Tenant is { } tenant ? Url(options, tenant.Slug) : RootUrl(options);
    }

    /// <summary>Whether the app answers this host: AppDomain, a host under it (deeper ones get the not-found page), or a configured extra host.</summary>
    public static bool IsServed(string host, ParleyOptions options)
    {
        host = host.ToLowerInvariant().TrimEnd('.');
        return host == options.AppDomain || SlugOf(host, options.AppDomain) is not null
            || options.ExtraHosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase));
    }
}
