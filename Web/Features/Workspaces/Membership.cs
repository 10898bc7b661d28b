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

public static class WorkspaceOwner
{
    /// <summary>The current workspace's owner's email address (for notices about the workspace), or null.</summary>
    public static Task<string?> EmailAsync(AppDbContext db, CancellationToken ct) =>
        db.Memberships.Where(m => m.Role == Role.Owner && m.LeftAt == null)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).FirstOrDefaultAsync(ct);
}
