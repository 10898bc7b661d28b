using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Api;

public class ApiOptions
{
    public const string Section = "Parley:Api";
    /// <summary>Requests per key per minute, shared by every instance.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)] public int RequestsPerMinute { get; set; } = 120;
    /// <summary>Days the request log keeps, and on plans keeping history longer than a year.</summary>
    public int LogDays { get; set; } = 30;
    public int LongLogDays { get; set; } = 90;

    /// <summary>How long a workspace's request log is kept: longer on plans that keep history more than a year.</summary>
    public int LogDaysFor(PlanLimits limits) => limits.HistoryRetentionDays > 365 ? LongLogDays : LogDays;
}

/// <summary>The key a request to the API came with, and its workspace (set by <see cref="ApiGate"/>).</summary>
public sealed record ApiCaller(ApiKey Key, Tenant Tenant);

/// <summary>
/// The door of the public API (/api/v1 on the root host): the bearer key is found by its prefix and checked against its
/// hash in constant time, must be unrevoked and unexpired, its workspace active and on a plan with API access; the
/// request then runs inside the key's workspace. Each key has a per-minute budget counted in the database (one
/// conditional write per request, so every instance shares it), answered with RateLimit headers and 429 + Retry-After
/// when spent. Every request that named a valid key is logged (method, path, status, duration, key) after it ends.
/// </summary>
public sealed class ApiGate(RequestDelegate next)
{
    public const string PathPrefix = "/api/v1";

    public async Task InvokeAsync(HttpContext http, AppDbContext db, ITenantContext tenants, PlanLimitsReader plans, IOptions<ApiOptions> options,
        Infrastructure.Jobs.TenantScopes scopes, TimeProvider clock, ILogger<ApiGate> log)
    {
        if (tenants.TenantId is not null || !http.Request.Path.StartsWithSegments(PathPrefix) || http.Request.Path.StartsWithSegments(PathPrefix + "/openapi.json"))
        {
            await next(http);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var ct = http.RequestAborted;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiResults.Problem(401, "Missing API key", "Send your key as \"Authorization: Bearer pk_…\". Keys are made under API keys in the workspace's dashboard.").ExecuteAsync(http);
            return;
        }
        var secret = header["Bearer ".Length..].Trim();
        var found = ApiKey.PrefixOf(secret) is { } prefix ? await ApiCallers.FindAsync(db, prefix, ct) : null;
        var now = clock.GetUtcNow();
        var problem = found is not { } f || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(f.Key.Hash), Encoding.ASCII.GetBytes(ApiKey.HashOf(secret)))
            ? "This API key is not valid."
            : f.Key.RevokedAt is not null ? "This API key was revoked."
            : f.Key.ExpiresAt <= now ? $"This API key expired on {f.Key.ExpiresAt:yyyy-MM-dd}."
            : null;
        if (problem is not null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await ApiResults.Problem(401, "Invalid API key", problem).ExecuteAsync(http);
            return;
        }
        var (key, tenant) = found!.Value;
        using var entered = ApiCallers.Enter(tenants, tenant);
        http.Features.Set(new ApiCaller(key, tenant));
        // Changes made through the API are audited as the key's.
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Email, $"API key {key.Prefix} ({key.Name})")], "ApiKey"));
        try
        {
            if (tenant.Status != TenantStatus.Active)
                await ApiResults.Problem(403, "Workspace not active", "This workspace is not active.").ExecuteAsync(http);
            else if (!(await plans.LimitsAsync(ct)).ApiAccess)
                await ApiResults.Problem(403, "No API access on this plan", "The API comes with the Silver plan and above; the workspace owner can upgrade on the Billing page.").ExecuteAsync(http);
            else if (await plans.LockedAsync(ct))
                await ApiResults.Problem(403, "Workspace paused", "This workspace is paused for an unpaid bill; the owner can settle it on the Billing page.").ExecuteAsync(http);
            else if (await TakeAsync(http, db, key, options.Value.RequestsPerMinute, now, ct))
                await next(http);
        }
        finally
        {
            await LogAsync(scopes, tenant, key, http, Stopwatch.GetElapsedTime(started), now, log);
        }
    }

    /// <summary>Counts the request in this minute's window; false (after writing the 429) when the key's budget is spent.</summary>
    private static async Task<bool> TakeAsync(HttpContext http, AppDbContext db, ApiKey key, int limit, DateTimeOffset now, CancellationToken ct)
    {
        var window = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var reset = (int)Math.Ceiling((window.AddMinutes(1) - now).TotalSeconds);
        async Task<bool> IncrementAsync() => await db.ApiRateWindows.Where(w => w.KeyId == key.Id && w.WindowStart == window && w.Count < limit)
            .ExecuteUpdateAsync(u => u.SetProperty(w => w.Count, w => w.Count + 1), ct) == 1;
        var taken = await IncrementAsync();
        if (!taken && !await db.ApiRateWindows.AnyAsync(w => w.KeyId == key.Id && w.WindowStart == window, ct))
        {
            db.ApiRateWindows.Add(new ApiRateWindow { KeyId = key.Id, WindowStart = window, Count = 1 });
            try { await db.SaveChangesAsync(ct); taken = true; }
            catch (DbUpdateException) { taken = await IncrementAsync(); } // another instance opened the window first
            finally { db.ChangeTracker.Clear(); }
        }
        var used = await db.ApiRateWindows.Where(w => w.KeyId == key.Id && w.WindowStart == window).Select(w => w.Count).FirstOrDefaultAsync(ct);
        http.Response.Headers["RateLimit-Policy"] = $"{limit};w=60";
        http.Response.Headers["RateLimit-Limit"] = limit.ToString();
        http.Response.Headers["RateLimit-Remaining"] = Math.Max(0, limit - used).ToString();
        http.Response.Headers["RateLimit-Reset"] = reset.ToString();
        if (taken) return true;
        http.Response.Headers.RetryAfter = reset.ToString();
        await ApiResults.Problem(429, "Too many requests", $"This key may make {limit} requests a minute; try again in {reset} s.").ExecuteAsync(http);
        return false;
    }

    /// <summary>The request log row and the key's last use, in a scope of their own after the response: never the request's unit of work.</summary>
    private static async Task LogAsync(Infrastructure.Jobs.TenantScopes scopes, Tenant tenant, ApiKey key, HttpContext http, TimeSpan took, DateTimeOffset at, ILogger log)
    {
        try
        {
            await scopes.RunAsync(tenant, async sp =>
            {
            var db = sp.GetRequiredService<AppDbContext>();
            var ip = http.Connection.RemoteIpAddress?.ToString();
            var path = http.Request.Path.Value ?? "";
            db.ApiRequestLogs.Add(new ApiRequestLog
            {
                KeyId = key.Id, Method = http.Request.Method, Path = path.Length > 300 ? path[..300] : path, Status = http.Response.StatusCode,
                DurationMs = (int)Math.Min(int.MaxValue, took.TotalMilliseconds), Ip = ip, At = at,
            });
            await db.SaveChangesAsync(CancellationToken.None);
            var recent = at.AddMinutes(-1);
            await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < recent))
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, at).SetProperty(k => k.LastUsedIp, ip), CancellationToken.None);
            return 0;
            });
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            log.LogWarning(e, "Could not log an API request of key {Prefix}", key.Prefix);
        }
    }
}

/// <summary>Answers of the API: JSON in snake_case, errors as RFC 9457 problem details.</summary>
public static class ApiResults
{
    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower) },
    };

    public static IResult Ok(object value, int status = 200) => Results.Json(value, Json, statusCode: status);

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, type: $"https://parley.example/api#{title.ToLowerInvariant().Replace(' ', '-')}");

    public static IResult NotFound(string what) => Problem(404, "Not found", $"No {what} with that id in this workspace.");
    public static IResult Invalid(string detail) => Problem(422, "Invalid request", detail);
}
