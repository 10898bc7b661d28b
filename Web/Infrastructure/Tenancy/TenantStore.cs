using Parley.Features.Plans;
using Parley.Features.Workspaces;

namespace Parley.Infrastructure.Tenancy;

/// <summary>
/// Brings a tenant into being (Finbuckle's store Add): the workspace, its owner's membership and its subscription (Free,
/// or a trial of the plan chosen on the pricing page, without a card), and the welcome bonus of a referral link, written
/// in one save inside the new tenant, the one moment a request enters a tenant it was not resolved to.
/// </summary>
public sealed class TenantStore(AppDbContext db, ITenantContext tenants, TimeProvider clock)
{
    public async Task<Tenant> CreateAsync(Guid ownerId, string name, string slug, CancellationToken ct = default, string? trialPlan = null, string? referralCode = null)
    {
        var tenant = new Tenant { Name = name.Trim(), Slug = slug };
        var free = await db.Plans.SingleAsync(p => p.Code == PlanCatalog.Free, ct);
        var trial = trialPlan is null ? null
            : await db.Plans.FirstOrDefaultAsync(p => p.Code == trialPlan && p.Status == PlanStatus.Enabled && p.TrialDays > 0, ct);
        var plan = trial ?? free;
        var now = clock.GetUtcNow();
        db.Tenants.Add(tenant);
        using (tenants.Use(tenant))
        {
            db.Memberships.Add(new Membership { TenantId = tenant.Id, UserId = ownerId, Role = Role.Owner, JoinedAt = now });
            db.Subscriptions.Add(new Subscription
            {
                TenantId = tenant.Id, PlanId = plan.Id, Status = trial is null ? SubscriptionStatus.Active : SubscriptionStatus.Trialing,
                CurrentPeriodStart = now, CurrentPeriodEnd = trial is null ? now.AddMonths(1) : now.AddDays(trial.TrialDays), Limits = plan.Limits.Copy(),
                TrialEnd = trial is null ? null : now.AddDays(trial.TrialDays),
            });
            await JoinByReferralAsync(tenant, referralCode, now, ct);
            await db.SaveChangesAsync(ct);
        }
        return tenant;
    }

    /// <summary>A workspace that came through a referral link (seed 000's case 6): the referral promotion's welcome bonus, linked to its referrer.</summary>
    private async Task JoinByReferralAsync(Tenant tenant, string? code, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code)) return;
        code = code.Trim().ToLowerInvariant();
        var referrer = await db.Tenants.AsNoTracking().Where(t => t.ReferralCode == code).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
        var promo = await db.Promotions.AsNoTracking().FirstOrDefaultAsync(p => p.IsReferral && p.Active, ct);
        if (referrer is null || promo is null) return;
        var bonus = Features.Billing.Bonus.Of(promo, Features.Billing.BonusReason.ReferralJoined, "joined", promo.BonusMessages, promo.BonusPages, now, referrer, "Joined through a referral link");
        bonus.TenantId = tenant.Id;
        db.Bonuses.Add(bonus);
    }
}
