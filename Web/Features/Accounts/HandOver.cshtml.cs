using Microsoft.AspNetCore.Identity;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Accounts;

/// <summary>Redeems a hand-over ticket from the root host and starts this host's own session.</summary>
[TenantHost]
public class HandOverModel(HandOverTickets tickets, AppDbContext db, ITenantContext tenant, UserManager<AppUser> users,
    SignInManager<AppUser> signIn, LoginRecorder history) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? ticket, CancellationToken ct)
    {
        var redeemed = ticket is null ? null : await tickets.RedeemAsync(ticket, tenant.TenantId!.Value, db, ct);
        var user = redeemed is null ? null : await users.FindByIdAsync(redeemed.UserId.ToString());
        if (user is null || user.Status != UserStatus.Active) return Page();
        await signIn.SignInAsync(user, redeemed!.Persistent);
        await history.RecordAsync(user, true);
        return LocalRedirect(redeemed.ReturnPath is { } p && Url.IsLocalUrl(p) ? p : "/dashboard");
    }
}
