using System.Text.Json;
using Microsoft.AspNetCore.Http;
using System.Security.Claims;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Audit;

/// <summary>One change to a workspace's members, roles, invitations, domains or settings.</summary>
public class AuditLog : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? UserId { get; set; }
    public string? UserEmail { get; set; }
    /// <summary>What happened, as "entity.verb": member.role_changed, invitation.sent, domain.verified…</summary>
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public string? EntityId { get; set; }
    /// <summary>A short human description of the target: an email, a host.</summary>
    public string? Target { get; set; }
    public string? OldValues { get; set; }
    public string? NewValues { get; set; }
    public string? IpAddress { get; set; }
}

/// <summary>Adds an audit row to the current unit of work, so it is saved with the change it describes.</summary>
public sealed class AuditTrail(AppDbContext db, IHttpContextAccessor http, TimeProvider clock)
{
    public void Record(string action, string entityType, string? entityId, string? target, object? oldValues = null, object? newValues = null)
    {
        var ctx = http.HttpContext;
        var user = ctx?.User;
        db.Add(new AuditLog
        {
            At = clock.GetUtcNow(), Action = action, EntityType = entityType, EntityId = entityId, Target = target,
            UserId = Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null,
            UserEmail = user?.FindFirstValue(ClaimTypes.Email),
            OldValues = oldValues is null ? null : JsonSerializer.Serialize(oldValues),
            NewValues = newValues is null ? null : JsonSerializer.Serialize(newValues),
            IpAddress = ctx?.Connection.RemoteIpAddress?.ToString(),
        });
    }
}
