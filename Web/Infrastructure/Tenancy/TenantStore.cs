using Parley.Features.Plans;
using Parley.Features.Workspaces;

namespace Parley.Infrastructure.Tenancy;

/// <summary>
/// Brings a tenant into being (Finbuckle's store Add): the workspace, its owner's membership and a Free subscription,
/// written in one save inside the new tenant, the one moment a request enters a tenant it was not resolved to.
/// </summary>
public sealed class TenantStore(AppDbContext db, ITenantContext tenants, TimeProvider clock)
{
    public async Task<Tenant> CreateAsync(Guid ownerId, string name, string slug, CancellationToken ct = default)
    {
        var tenant = new Tenant { Name = name.Trim(), Slug = slug };
        var free = await db.Plans.SingleAsync(p => p.Code == PlanCatalog.Free, ct);
        var now = clock.GetUtcNow();
        db.Tenants.Add(tenant);
        using (tenants.Use(tenant))
        {
            db.Memberships.Add(new Membership { TenantId = tenant.Id, UserId = ownerId, Role = Role.Owner, JoinedAt = now });
            db.Subscriptions.Add(new Subscription
            {
                TenantId = tenant.Id, PlanId = free.Id, Status = SubscriptionStatus.Active,
                CurrentPeriodStart = now, CurrentPeriodEnd = now.AddMonths(1), Limits = free.Limits.Copy(),
            });
            await db.SaveChangesAsync(ct);
        }
        return tenant;
    }
}
