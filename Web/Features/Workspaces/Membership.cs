using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Workspaces;

/// <summary>The four roles of a workspace, most powerful first.</summary>
public enum Role { Owner = 0, Admin = 1, Manager = 2, Agent = 3 }

public class Membership : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public Role Role { get; set; }
    public DateTimeOffset JoinedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LeftAt { get; set; }

    public bool IsActive => LeftAt is null;
}
