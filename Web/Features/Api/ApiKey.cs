using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Api;

/// <summary>What a key may do: read (bots, sources, conversations, leads), write (add and remove sources), chat (ask a bot).</summary>
[Flags]
public enum ApiScope { None = 0, Read = 1, Write = 2, Chat = 4 }

/// <summary>
/// A workspace's key to the public API (seed 000's api_keys). The secret is shown once; only its first characters
/// (to find it and to show it) and its SHA-256 are kept. Keys are high-entropy random strings, so a plain hash suffices.
/// </summary>
public class ApiKey : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    /// <summary>"pk_3f9a1c2e": unique, how the key is found and how the dashboard names it.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }
    public ApiScope Scopes { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public string? LastUsedIp { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool Active(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>A new secret: "pk_" + 8 hex characters (the prefix) + "_" + 40 random hex characters.</summary>
    public static (string Secret, string Prefix) NewSecret()
    {
        var prefix = "pk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return ($"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))}", prefix);
    }

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The prefix a presented secret claims, or null when it is not shaped like a key.</summary>
    public static string? PrefixOf(string secret) =>
        secret.Length == 52 && secret.StartsWith("pk_", StringComparison.Ordinal) && secret[11] == '_' ? secret[..11] : null;
}

/// <summary>One request to the API, for the Request log page (kept 30 days, 90 on plans with longer history).</summary>
public class ApiRequestLog : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid KeyId { get; set; }
    public required string Method { get; set; }
    public required string Path { get; set; }
    public int Status { get; set; }
    public int DurationMs { get; set; }
    public string? Ip { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>Requests a key made in one minute: counted with one conditional write per request, so every instance shares the limit.</summary>
public class ApiRateWindow : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid KeyId { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public int Count { get; set; }
}

internal sealed class ApiKeyMapping : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> e)
    {
        e.HasIndex(x => x.Prefix).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Prefix).HasMaxLength(20);
        e.Property(x => x.Hash).HasMaxLength(64);
        e.Property(x => x.LastUsedIp).HasMaxLength(64);
    }
}

internal sealed class ApiRequestLogMapping : IEntityTypeConfiguration<ApiRequestLog>
{
    public void Configure(EntityTypeBuilder<ApiRequestLog> e)
    {
        e.HasIndex(x => new { x.TenantId, x.At });
        e.Property(x => x.Method).HasMaxLength(10);
        e.Property(x => x.Path).HasMaxLength(300);
        e.Property(x => x.Ip).HasMaxLength(64);
        e.HasOne<ApiKey>().WithMany().HasForeignKey(x => x.KeyId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiRateWindowMapping : IEntityTypeConfiguration<ApiRateWindow>
{
    public void Configure(EntityTypeBuilder<ApiRateWindow> e)
    {
        e.HasIndex(x => new { x.KeyId, x.WindowStart }).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.HasOne<ApiKey>().WithMany().HasForeignKey(x => x.KeyId).OnDelete(DeleteBehavior.Cascade);
    }
}
