namespace Parley.Features.Workspaces;

public enum TenantStatus { Active, Suspended }

/// <summary>A business using Parley; the seeds call it a "service" or "workspace".</summary>
public class Tenant
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public TenantStatus Status { get; set; } = TenantStatus.Active;
    public string? StripeCustomerId { get; set; }
    /// <summary>The code in this workspace's referral link (made the first time the owner opens Billing).</summary>
    public string? ReferralCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Moves (atomically, after the save commits) whenever the workspace, a membership or the subscription changes:
    /// every instance reads it with the tenant row and keys its cached memberships and limits by it.
    /// </summary>
    public long CacheVersion { get; set; }
}

/// <summary>An old subdomain kept so links made before a rename still arrive.</summary>
public class SlugRedirect
{
    public required string OldSlug { get; set; }
    public Guid TenantId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
