using System.Security.Cryptography;
using System.Text;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Team;

public enum InvitationStatus { Pending, Accepted, Expired, Revoked }

public class Invitation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Email { get; set; }
    public Role Role { get; set; }
    /// <summary>SHA-256 of the emailed token; the token itself is never stored.</summary>
    public required string TokenHash { get; set; }
    public InvitationStatus Status { get; set; } = InvitationStatus.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset LastSentAt { get; set; }
    public Guid InvitedByUserId { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public Guid? AcceptedByUserId { get; set; }
    /// <summary>For Managers and Agents: the chatbots they get on accepting, comma-separated ids.</summary>
    public string BotIds { get; set; } = "";

    public IReadOnlyList<Guid> Bots => BotIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();

    public bool IsOpen(DateTimeOffset now) => Status == InvitationStatus.Pending && ExpiresAt > now;

    /// <summary>A new random token (to email) and its hash (to store).</summary>
    public static (string Token, string Hash) NewToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
