using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Parley.Infrastructure.Security;

public class ThrottlingOptions
{
    public const string Section = "Parley:Throttling";
    /// <summary>Sign-in and sign-up posts per client address per minute.</summary>
    public int SignInPerMinute { get; set; } = 10;
    /// <summary>Posts of the forms that send mail to a typed address (forgot password, find my workspace) per client address per minute.</summary>
    public int MailFormsPerMinute { get; set; } = 5;
    /// <summary>New widget visitors per client address per minute.</summary>
    public int VisitorSessionsPerMinute { get; set; } = 20;
    /// <summary>At most one mail of a kind (reset, workspace list, confirmation) per address in this many minutes.</summary>
    public int MailPerAddressMinutes { get; set; } = 5;
}

/// <summary>
/// Per-address limits on the anonymous forms attackers script (sign-in, sign-up, the mail forms) and on widget visitor
/// creation: a 429 with Retry-After and a sentence a person can read. The windows live in each instance's memory, so
/// with several instances a client gets each instance's allowance; the per-address mail cap, which must hold across
/// instances, is kept in the database (<see cref="AddressMailLimit"/>).
/// </summary>
public static class RequestThrottling
{
    public static IHostApplicationBuilder AddParleyThrottling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ThrottlingOptions>().BindConfiguration(ThrottlingOptions.Section);
        builder.Services.AddScoped<AddressMailLimit>();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var limits = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ThrottlingOptions>>().Value;
                var (kind, perMinute) = Classify(http.Request, limits);
                if (kind is null) return RateLimitPartition.GetNoLimiter("none");
                var key = $"{kind}:{http.Connection.RemoteIpAddress}";
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
                });
            });
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (ctx, ct) =>
            {
                var wait = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                ctx.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
                if (ctx.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
                ctx.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                // htmx swaps 4xx only where told to; the alert reads well both swapped and as a page of its own.
                await ctx.HttpContext.Response.WriteAsync(
                    $"<p class=\"alert-error\" role=\"alert\">Too many attempts from your network. Please wait {seconds} seconds and try again.</p>", ct);
            };
        });
        return builder;
    }

    /// <summary>Which limit a request counts against, if any: only the posts that attackers script.</summary>
    private static (string? Kind, int PerMinute) Classify(HttpRequest request, ThrottlingOptions limits)
    {
        if (!HttpMethods.IsPost(request.Method)) return (null, 0);
        var path = request.Path.Value?.TrimEnd('/').ToLowerInvariant() ?? "";
        if (path is "/account/login" or "/account/login-2fa" or "/signup") return ("sign-in", limits.SignInPerMinute);
        if (path is "/account/forgot-password" or "/account/find-workspace") return ("mail-form", limits.MailFormsPerMinute);
        if (path.StartsWith("/widget/") && string.Equals(request.Query["handler"], "Session", StringComparison.OrdinalIgnoreCase))
            return ("visitor", limits.VisitorSessionsPerMinute);
        return (null, 0);
    }
}

/// <summary>One mail of a kind per address per window, claimed with a conditional write every instance sees.</summary>
public sealed class AddressMailLimit(AppDbContext db, Microsoft.Extensions.Options.IOptions<ThrottlingOptions> options, TimeProvider clock)
{
    /// <summary>True when this mail may go now (and the window starts); false when one went to the address recently.</summary>
    public async Task<bool> TryClaimAsync(string purpose, string address, CancellationToken ct)
    {
        var key = $"{purpose}:{address.Trim().ToLowerInvariant()}";
        if (key.Length > 300) return false;
        var now = clock.GetUtcNow();
        var before = now.AddMinutes(-options.Value.MailPerAddressMinutes);
        if (await db.MailThrottles.Where(t => t.Key == key && t.LastSentAt <= before).ExecuteUpdateAsync(u => u.SetProperty(t => t.LastSentAt, now), ct) == 1)
            return true;
        if (await db.MailThrottles.AnyAsync(t => t.Key == key, ct)) return false;
        db.MailThrottles.Add(new Data.MailThrottle { Key = key, LastSentAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another request claimed it a moment ago
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
