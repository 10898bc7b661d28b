using Microsoft.Extensions.Caching.Hybrid;

namespace Parley.Infrastructure.Tenancy;

/// <summary>
/// What requests read of the current workspace again and again (a member's role, the subscription and its limits),
/// cached with HybridCache: bounded in memory, one load per key however many requests ask at once, and keyed by the
/// workspace's <see cref="Features.Workspaces.Tenant.CacheVersion"/>. Every request reads that version with the tenant
/// row, and any change on any instance moves it, so no instance serves state older than the tenant row it just read.
/// Values are copied per read (HybridCache keeps mutable types serialized), so callers may change what they get.
/// </summary>
public sealed class TenantCache(HybridCache cache, ITenantContext tenant)
{
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(10), LocalCacheExpiration = TimeSpan.FromMinutes(10) };

    public ValueTask<T> GetAsync<T>(string name, Func<CancellationToken, ValueTask<T>> load, CancellationToken ct)
    {
        var current = tenant.Tenant ?? throw new InvalidOperationException("The tenant cache needs a tenant.");
        return cache.GetOrCreateAsync($"tenant:{current.Id:N}:{current.CacheVersion}:{name}", load, Entry, cancellationToken: ct);
    }
}

public class CacheOptions
{
    public const string Section = "Parley:Cache";
    /// <summary>The bound on what this instance keeps in memory for <see cref="TenantCache"/> (serialized bytes).</summary>
    public int Megabytes { get; set; } = 64;
}
