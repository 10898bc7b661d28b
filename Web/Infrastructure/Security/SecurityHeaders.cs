using Microsoft.Extensions.Options;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Security;

/// <summary>
/// Headers every response carries: no MIME sniffing, a referrer that never leaks paths to other sites, HSTS on HTTPS
/// outside Development, and a Content-Security-Policy for every page that does not set its own (the widget does, with
/// its customer's framing list). Pages carry no inline script or handler, so scripts come from Parley's origin only.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<ParleyOptions> options, IHostEnvironment env)
{
    private readonly string policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
        $"img-src 'self' data: https: {TenantHosts.RootUrl(options.Value)}; font-src 'self' data:; connect-src 'self'; " +
        $"frame-src 'self' {TenantHosts.RootUrl(options.Value)}; frame-ancestors 'self'; base-uri 'self'; object-src 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = policy;
            if (http.Request.IsHttps && !env.IsDevelopment()) headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            return Task.CompletedTask;
        });
        return next(http);
    }
}
