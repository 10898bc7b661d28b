using Microsoft.AspNetCore.Identity;

namespace Parley.Features.Accounts;

public enum UserStatus { Active, Suspended, Banned }

public class AppUser : IdentityUser<Guid>
{
    public AppUser() => Id = Guid.CreateVersion7();

    public string FullName { get; set; } = "";
    public string? AvatarUrl { get; set; }
    public string? FacebookUrl { get; set; }
    public string? InstagramUrl { get; set; }
    public string? LinkedInUrl { get; set; }
    public string? TwitterUrl { get; set; }
    public string? YouTubeUrl { get; set; }
    public UserStatus Status { get; set; } = UserStatus.Active;
    public bool IsPlatformAdmin { get; set; }
    public string? AdminNotes { get; set; }
    public DateTimeOffset? LastLoginAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>One sign-in attempt, kept so users can spot access they don't recognise.</summary>
public class LoginHistory
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public Guid? TenantId { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public bool Succeeded { get; set; }
    public string? FailureReason { get; set; }
}
