using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Parley.Infrastructure.Security;

/// <summary>
/// Moves a signed-in user from the root host to a tenant host: a signed, one-minute, single-use ticket
/// that the tenant host redeems for a cookie of its own. The ticket is bound to the browser that asked for it (its
/// address and user agent, hashed): a ticket copied from a log or a shoulder does not open a session elsewhere. Hosts
/// share no cookie (each session cookie is host-only), so the browser is recognised by what it sends on both hosts.
/// </summary>
public sealed class HandOverTickets(IDataProtectionProvider dp, IHttpContextAccessor http, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private readonly ITimeLimitedDataProtector protector = dp.CreateProtector("Parley.HandOver.v1").ToTimeLimitedDataProtector();

    private sealed record Payload(Guid TicketId, Guid UserId, Guid TenantId, bool Persistent, string? ReturnPath, string Browser);

    public string Issue(Guid userId, Guid tenantId, bool persistent, string? returnPath = null)
    {
        var json = JsonSerializer.Serialize(new Payload(Guid.NewGuid(), userId, tenantId, persistent, returnPath, Browser()));
        return protector.Protect(json, clock.GetUtcNow().Add(Lifetime));
    }

    /// <summary>The requesting browser's address and user agent, hashed.</summary>
    private string Browser()
    {
        var request = http.HttpContext?.Request;
        var seen = $"{http.HttpContext?.Connection.RemoteIpAddress}|{request?.Headers.UserAgent}";
        return Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seen)))[..22];
    }

    public record Redeemed(Guid UserId, bool Persistent, string? ReturnPath);

    /// <summary>The ticket's user when it is genuine, unexpired, meant for this tenant and not used before; otherwise null.</summary>
    public async Task<Redeemed?> RedeemAsync(string ticket, Guid tenantId, AppDbContext db, CancellationToken ct)
    {
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(protector.Unprotect(ticket, out _));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException or FormatException)
        {
            return null;
        }
        if (payload is null || payload.TenantId != tenantId || payload.Browser != Browser()) return null;

        db.UsedTickets.Add(new UsedTicket { Id = payload.TicketId, ExpiresAt = clock.GetUtcNow().Add(Lifetime) });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return null; // the primary key says this ticket was redeemed already
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
        await db.UsedTickets.Where(t => t.ExpiresAt < clock.GetUtcNow().AddMinutes(-5)).ExecuteDeleteAsync(ct);
        return new Redeemed(payload.UserId, payload.Persistent, payload.ReturnPath);
    }
}
