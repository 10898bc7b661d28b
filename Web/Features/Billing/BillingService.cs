using Parley.Features.Audit;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Email;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Billing;

/// <summary>A charge, failure or credit as the payment provider (or the test-mode checkout) reports it.</summary>
public sealed record PaymentReport(string InvoiceId, PaymentKind Kind, PaymentStatus Status, decimal Amount, string Currency, string Description,
    DateTimeOffset At, string? InvoiceUrl = null, string? PaymentIntentId = null, string? FailureCode = null);

/// <summary>
/// The workspace's billing ledger (seed 000's 16 cases): plan changes as a new subscription row beside the ended one,
/// add-on units, payments, refunds, promotion and referral bonuses. Both the test-mode checkout and Stripe's webhooks
/// write through here, so the two paths end in the same rows. Mail goes through the outbox in the same save.
/// </summary>
public sealed class BillingService(AppDbContext db, ITenantContext tenant, AuditTrail audit, IEmailSender mail, TimeProvider clock, TenantScopes scopes,
    Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options, ILogger<BillingService> log)
{
    private Guid TenantId => tenant.TenantId ?? throw new InvalidOperationException("Billing needs a workspace.");

    /// <summary>The subscription in force (tracked), or null for a workspace that has none.</summary>
    public Task<Subscription?> CurrentAsync(CancellationToken ct) => db.Subscriptions.Include(s => s.Plan)
        .Where(s => s.Status != SubscriptionStatus.Canceled).OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(ct);

    public Task<List<Plan>> PlansAsync(CancellationToken ct) => db.Plans.AsNoTracking().Where(p => p.Status == PlanStatus.Enabled).OrderBy(p => p.SortOrder).ToListAsync(ct);
    public Task<List<AddOn>> AddOnsAsync(CancellationToken ct) => db.AddOns.AsNoTracking().Where(a => a.Status == PlanStatus.Enabled).OrderBy(a => a.SortOrder).ToListAsync(ct);

    /// <summary>
    /// Puts the workspace on <paramref name="plan"/> (cases 1, 2, 5): the same plan only moves status and period; another
    /// plan ends the current row (kept, Canceled) and starts a new one with the plan's limits, carrying the active add-ons.
    /// </summary>
    public async Task<Subscription> SwitchPlanAsync(Plan plan, SubscriptionStatus status, DateTimeOffset periodStart, DateTimeOffset periodEnd, bool paid,
        string? stripeSubscriptionId, DateTimeOffset? trialEnd, CancellationToken ct)
    {
        // Under the workspace's lock (the caller's transaction): two reports of the same change, taken at once, end in one row.
        await db.LockTenantAsync(TenantId, ct);
        var now = clock.GetUtcNow();
        var current = await CurrentAsync(ct);
        var sameTerm = current is not null && current.PlanId == plan.Id && (current.Status == SubscriptionStatus.Trialing) == (status == SubscriptionStatus.Trialing);
        if (sameTerm)
        {
            current!.Status = status;
            current.CurrentPeriodStart = periodStart;
            current.CurrentPeriodEnd = periodEnd;
            current.Paid |= paid;
            current.StripeSubscriptionId = stripeSubscriptionId ?? current.StripeSubscriptionId;
            current.TrialEnd = trialEnd;
            if (status != SubscriptionStatus.PastDue) current.PastDueSince = null;
            return current;
        }
        var next = new Subscription
        {
            PlanId = plan.Id, Status = status, CurrentPeriodStart = periodStart, CurrentPeriodEnd = periodEnd, Limits = plan.Limits.Copy(),
            Paid = paid, StripeSubscriptionId = stripeSubscriptionId, TrialEnd = trialEnd, CreatedAt = current is null ? now : Later(now, current.CreatedAt),
        };
        db.Subscriptions.Add(next);
        if (current is not null)
        {
            current.Status = SubscriptionStatus.Canceled;
            current.EndedAt = now;
            foreach (var a in await db.AddOnPurchases.Where(a => a.Active).ToListAsync(ct))
                if (plan.MonthlyPrice > 0) a.SubscriptionId = next.Id;
                else { a.Active = false; a.EndedAt = now; } // add-ons come with a paid plan
        }
        audit.Record("billing.plan_changed", "Subscription", next.Id.ToString(), plan.Name,
            new { Plan = current?.Plan?.Name, Status = current?.Status.ToString() }, new { Plan = plan.Name, Status = status.ToString() });
        return next;
    }

    /// <summary>Rows are ordered by CreatedAt: a plan change within the same clock tick still comes after the row it replaces.</summary>
    private static DateTimeOffset Later(DateTimeOffset now, DateTimeOffset previous) => now > previous ? now : previous.AddTicks(10);

    /// <summary>Ends a trial, a cancelled plan or an unpaid one on Free (data kept, limits Free's).</summary>
    public async Task FallToFreeAsync(string why, CancellationToken ct)
    {
        var free = await db.Plans.SingleAsync(p => p.Code == PlanCatalog.Free, ct);
        var now = clock.GetUtcNow();
        await SwitchPlanAsync(free, SubscriptionStatus.Active, now, now.AddMonths(1), false, null, null, ct);
        audit.Record("billing.ended", "Subscription", null, why);
    }

    /// <summary>What keeps the workspace from moving to a smaller plan (more bots or members than it allows), or null.</summary>
    public async Task<string?> DowngradeProblemAsync(Plan target, CancellationToken ct)
    {
        var extraBots = await db.AddOnPurchases.Where(a => a.Active && a.Kind == AddOnKind.ExtraBots).SumAsync(a => a.Grants, ct);
        var bots = await db.Chatbots.CountAsync(ct);
        if (bots > target.Limits.Bots + extraBots)
            return $"{target.Name} includes {PlanWording.Bots(target.Limits.Bots + extraBots)}; this workspace has {bots}. Delete {bots - target.Limits.Bots - extraBots} first.";
        var members = await db.Memberships.CountAsync(m => m.LeftAt == null, ct);
        if (members > target.Limits.Seats)
            return $"{target.Name} includes {PlanWording.Seats(target.Limits.Seats)}; this workspace has {members} members. Remove {members - target.Limits.Seats} first.";
        return null;
    }

    /// <summary>Adds <paramref name="quantity"/> units of an add-on (cases 2, 3, 4); null, or why not.</summary>
    public async Task<string?> AddAddOnAsync(AddOn addOn, int quantity, string? stripeItemId, CancellationToken ct)
    {
        var current = await CurrentAsync(ct);
        if (current is null || current.Plan!.MonthlyPrice == 0) return "Add-ons come with a paid plan. Choose a plan first.";
        var held = await db.AddOnPurchases.CountAsync(a => a.Active && a.AddOnId == addOn.Id, ct);
        if (!addOn.Stackable && held + quantity > 1) return $"{addOn.Name} is already on this workspace.";
        var now = clock.GetUtcNow();
        for (var i = 0; i < quantity; i++)
            db.AddOnPurchases.Add(new AddOnPurchase
            {
                AddOnId = addOn.Id, SubscriptionId = current.Id, Kind = addOn.Kind, Grants = addOn.Grants, PricePaid = addOn.MonthlyPrice,
                PurchasedAt = now, StripeItemId = stripeItemId,
            });
        audit.Record("billing.addon_added", "AddOn", addOn.Code, addOn.Name, null, new { Quantity = quantity });
        return null;
    }

    /// <summary>Ends units of an add-on (the newest first) until <paramref name="keep"/> remain.</summary>
    public async Task<int> TrimAddOnAsync(Guid addOnId, int keep, CancellationToken ct)
    {
        var held = await db.AddOnPurchases.Include(a => a.AddOn).Where(a => a.Active && a.AddOnId == addOnId).OrderByDescending(a => a.PurchasedAt).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var a in held.Take(Math.Max(0, held.Count - keep))) { a.Active = false; a.EndedAt = now; }
        var removed = Math.Max(0, held.Count - keep);
        if (removed > 0) audit.Record("billing.addon_removed", "AddOn", held[0].AddOn!.Code, held[0].AddOn!.Name, new { Quantity = held.Count }, new { Quantity = keep });
        return removed;
    }

    /// <summary>
    /// Records a payment once per invoice (cases 1-4, 15): a repeat report updates the row. The first paid invoice of a
    /// workspace that joined through a referral rewards its referrer (case 7).
    /// </summary>
    public async Task RecordPaymentAsync(PaymentReport r, CancellationToken ct)
    {
        var row = await db.Payments.FirstOrDefaultAsync(p => p.InvoiceId == r.InvoiceId, ct);
        // The owner hears of a failure once per invoice, whichever of Stripe's events (invoice or subscription) came first.
        var newlyFailed = r.Status == PaymentStatus.Failed && row?.Status != PaymentStatus.Failed;
        var firstPaid = r.Status == PaymentStatus.Paid && !await db.Payments.AnyAsync(p => p.Status == PaymentStatus.Paid || p.Status == PaymentStatus.Refunded || p.Status == PaymentStatus.PartiallyRefunded, ct);
        if (row is null)
        {
            row = new Payment { InvoiceId = r.InvoiceId, CreatedAt = r.At };
            db.Payments.Add(row);
        }
        // A refund already recorded is not undone by a late "paid" report of the same invoice.
        if (!(row.Status is PaymentStatus.Refunded or PaymentStatus.PartiallyRefunded && r.Status == PaymentStatus.Paid))
            row.Status = r.Status;
        row.Kind = r.Kind; row.Amount = r.Amount; row.Currency = r.Currency; row.Description = r.Description;
        row.InvoiceUrl = r.InvoiceUrl ?? row.InvoiceUrl; row.PaymentIntentId = r.PaymentIntentId ?? row.PaymentIntentId;
        row.FailureCode = r.Status == PaymentStatus.Failed ? r.FailureCode ?? "card_declined" : null;
        row.UpdatedAt = clock.GetUtcNow();
        if (r.Status == PaymentStatus.Failed) await PaymentFailedAsync(r, newlyFailed, ct);
        if (firstPaid) await QueueReferralRewardAsync(ct);
    }

    /// <summary>A failed renewal (case 15): the subscription is past due from now, the owner is told how long the grace lasts.</summary>
    private async Task PaymentFailedAsync(PaymentReport r, bool tell, CancellationToken ct)
    {
        var current = await CurrentAsync(ct);
        if (current is null || current.Plan!.MonthlyPrice == 0) return;
        if (current.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing) current.Status = SubscriptionStatus.PastDue;
        current.PastDueSince ??= clock.GetUtcNow();
        if (tell)
            await MailOwnerAsync($"Payment for {tenant.Tenant!.Name} failed",
                $"We could not take {r.Amount:0.00} {r.Currency.ToUpperInvariant()} for your {current.Plan.Name} plan ({r.FailureCode ?? "card declined"}). " +
                $"Update your card by {(current.PastDueSince.Value + PlanLimitsReader.Grace):d MMMM}: after that the chat widget pauses and the dashboard becomes read-only until the bill is paid. Nothing is deleted.",
                "Open Billing", "/billing", ct);
    }

    /// <summary>Marks a payment refunded (case 16); <paramref name="refundedTotal"/> is the total refunded so far, so reports in any order end the same.</summary>
    public async Task<bool> RefundAsync(string? paymentIntentId, string? invoiceId, decimal refundedTotal, CancellationToken ct)
    {
        var row = await db.Payments.FirstOrDefaultAsync(p => (paymentIntentId != null && p.PaymentIntentId == paymentIntentId) || (invoiceId != null && p.InvoiceId == invoiceId), ct);
        if (row is null) return false;
        row.RefundedAmount = Math.Max(row.RefundedAmount, refundedTotal);
        row.Status = row.RefundedAmount >= row.Amount ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        row.UpdatedAt = clock.GetUtcNow();
        audit.Record("billing.refunded", "Payment", row.InvoiceId, row.Description, null, new { row.RefundedAmount });
        return true;
    }

    /// <summary>Redeems a promotion code for this workspace (its bonus messages and pages, with the promotion's expiry); null, or why not.</summary>
    public async Task<string?> RedeemAsync(string code, CancellationToken ct)
    {
        code = code.Trim().ToUpperInvariant();
        var promo = await db.Promotions.AsNoTracking().FirstOrDefaultAsync(p => p.Code == code && p.Active && !p.IsReferral, ct);
        if (promo is null) return $"There is no promotion {code}. Check the code and try again.";
        var key = $"promotion:{promo.Id:N}";
        if (await db.Bonuses.AnyAsync(b => b.Key == key, ct)) return $"This workspace has already redeemed {code}.";
        var age = clock.GetUtcNow() - tenant.Tenant!.CreatedAt;
        if (promo.Audience == PromotionAudience.NewWorkspaces && age > TimeSpan.FromDays(30)) return $"{code} is for workspaces in their first 30 days.";
        if (promo.Audience == PromotionAudience.ExistingWorkspaces && age <= TimeSpan.FromDays(30)) return $"{code} is for workspaces older than 30 days.";
        db.Bonuses.Add(Bonus.Of(promo, BonusReason.Promotion, key, promo.BonusMessages, promo.BonusPages, clock.GetUtcNow(), null, $"Promotion {promo.Code}"));
        audit.Record("billing.promotion_redeemed", "Promotion", promo.Code, promo.Code);
        return null;
    }

    /// <summary>This workspace's referral code (made once; a concurrent first visit keeps whichever code was saved first).</summary>
    public async Task<string> ReferralCodeAsync(CancellationToken ct)
    {
        var id = TenantId;
        var code = await db.Tenants.Where(t => t.Id == id).Select(t => t.ReferralCode).SingleAsync(ct);
        if (code is not null) return code;
        var fresh = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        await db.Tenants.Where(t => t.Id == id && t.ReferralCode == null).ExecuteUpdateAsync(u => u.SetProperty(t => t.ReferralCode, fresh), ct);
        return await db.Tenants.Where(t => t.Id == id).Select(t => t.ReferralCode).SingleAsync(ct) ?? fresh;
    }

    /// <summary>After this save commits, the referrer's reward is granted in the referrer's workspace (once: the bonus key is unique).</summary>
    private async Task QueueReferralRewardAsync(CancellationToken ct)
    {
        var joined = await db.Bonuses.AsNoTracking().FirstOrDefaultAsync(b => b.Reason == BonusReason.ReferralJoined, ct);
        if (joined?.ReferralTenantId is not { } referrerId) return;
        pendingReward = (referrerId, TenantId, tenant.Tenant!.Name);
    }

    private (Guid Referrer, Guid Referred, string Name)? pendingReward;

    /// <summary>Grants a reward found by <see cref="RecordPaymentAsync"/>; call after the payment's save has committed.</summary>
    public async Task AfterCommitAsync(CancellationToken ct)
    {
        if (pendingReward is not { } p) return;
        pendingReward = null;
        var referrer = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == p.Referrer, ct);
        if (referrer is null) return;
        await scopes.RunAsync(referrer, async sp =>
        {
            var rdb = sp.GetRequiredService<AppDbContext>();
            var key = $"reward:{p.Referred:N}";
            if (await rdb.Bonuses.AnyAsync(b => b.Key == key, ct)) return 0;
            var promo = await rdb.Promotions.AsNoTracking().FirstOrDefaultAsync(x => x.IsReferral, ct);
            if (promo is null) return 0;
            rdb.Bonuses.Add(Bonus.Of(promo, BonusReason.ReferralReward, key, promo.ReferrerBonusMessages, promo.ReferrerBonusPages, clock.GetUtcNow(), p.Referred,
                $"{p.Name} became a customer"));
            try { await rdb.SaveChangesAsync(ct); }
            catch (DbUpdateException) { return 0; } // granted by a concurrent report of the same payment
            log.LogInformation("Referral reward for {Referrer}: {Referred} paid", p.Referrer, p.Referred);
            return 1;
        });
    }

    /// <summary>A notice to the owner ending with a link to a dashboard page (Billing, mostly).</summary>
    public Task MailOwnerAsync(string subject, string text, string action, string path, CancellationToken ct) =>
        WorkspaceOwner.MailAsync(db, mail, subject, [text], (action, $"{TenantHosts.Url(options.Value, tenant.Tenant!.Slug)}{path}"), ct);
}
