namespace Parley.Features.Accounts;

/// <summary>
/// One signed-in browser on one host. The cookie names its session; signing out revokes the row, so a copied cookie
/// stops working at once on every instance, and "sign out everywhere" revokes them all.
/// </summary>
public class UserSession
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    /// <summary>The workspace host the session was issued on; null for the root host.</summary>
    public Guid? TenantId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
}
