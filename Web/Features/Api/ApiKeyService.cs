using Parley.Features.Audit;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Api;

public sealed record NewApiKey(ApiKey Key, string Secret);

/// <summary>A workspace's API keys: created (the secret shown once), listed, revoked; every change audited.</summary>
public sealed class ApiKeyService(AppDbContext db, AuditTrail audit, Infrastructure.Security.CurrentMember me, TimeProvider clock)
{
    public const int MaxKeys = 25;
    public static readonly int[] ExpiryDays = [30, 90, 365];

    public Task<List<ApiKey>> ListAsync(CancellationToken ct) => db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);

    public async Task<(NewApiKey? Created, string? Problem)> CreateAsync(string? name, ApiScope scopes, int? expiresInDays, CancellationToken ct)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 100) return (null, "Name the key (up to 100 characters), for example after the system that will use it.");
        if (scopes == ApiScope.None) return (null, "Choose at least one thing the key may do.");
        if (expiresInDays is { } d && !ExpiryDays.Contains(d)) return (null, "Choose when the key expires.");
        if (await db.ApiKeys.CountAsync(k => k.RevokedAt == null, ct) >= MaxKeys) return (null, $"A workspace has at most {MaxKeys} active keys; revoke one first.");
        var now = clock.GetUtcNow();
        var (secret, prefix) = ApiKey.NewSecret();
        var key = new ApiKey
        {
            Name = name, Prefix = prefix, Hash = ApiKey.HashOf(secret), Scopes = scopes, CreatedAt = now, CreatedBy = me.Membership?.UserId,
            ExpiresAt = expiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiKeys.Add(key);
        audit.Record("api_key.created", "ApiKey", key.Id.ToString(), $"{name} ({prefix})", null, new { Scopes = scopes.ToString(), key.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return (new NewApiKey(key, secret), null);
    }

    /// <summary>Stops a key at once, on every instance (each request reads the key).</summary>
    public async Task<ApiKey?> RevokeAsync(Guid id, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.RevokedAt is not null) return key;
        key.RevokedAt = clock.GetUtcNow();
        audit.Record("api_key.revoked", "ApiKey", key.Id.ToString(), $"{key.Name} ({key.Prefix})");
        await db.SaveChangesAsync(ct);
        return key;
    }
}

public static class ApiSetup
{
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ApiKeyService>();
        builder.Services.AddRecurringJob<ApiLogSweepJob>(ApiLogSweepJob.Id, j => j.RunAsync(CancellationToken.None), _ => "25 3 * * *");
        builder.Services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Parley API";
                document.Info.Version = "v1";
                document.Info.Description = "Send \"Authorization: Bearer pk_…\" with a key made under API keys in the dashboard (Silver plan and above). "
                    + "JSON in snake_case; errors are RFC 9457 problem details; lists are newest first with next_cursor; each key has a per-minute budget "
                    + "announced in RateLimit headers (429 with Retry-After when spent). The reference with examples is at /docs/api.";
                return Task.CompletedTask;
            });
        });
        return builder;
    }
}
