using Microsoft.Extensions.Caching.Memory;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Jobs;
using Stripe;
using Plan = Parley.Features.Plans.Plan;
using Subscription = Parley.Features.Plans.Subscription;
using SubscriptionStatus = Parley.Features.Plans.SubscriptionStatus;

namespace Parley.Features.Billing;

/// <summary>The Stripe prices of the plans and add-ons, found by lookup key.</summary>
public sealed class StripePrices(Dictionary<string, string> byKey)
{
    public string Plan(string code) => byKey.TryGetValue(StripeOptions.PlanKey(code), out var id) ? id
        : throw new BillingRefused($"Stripe has no price with the lookup key {StripeOptions.PlanKey(code)}. Create it in the Stripe dashboard.");
    public string AddOn(string code) => byKey.TryGetValue(StripeOptions.AddOnKey(code), out var id) ? id
        : throw new BillingRefused($"Stripe has no price with the lookup key {StripeOptions.AddOnKey(code)}. Create it in the Stripe dashboard.");
    public string? PlanOf(string priceId) => byKey.Where(p => p.Value == priceId && !p.Key.StartsWith("parley_addon_")).Select(p => p.Key["parley_".Length..]).FirstOrDefault();
    public string? AddOnOf(string priceId) => byKey.Where(p => p.Value == priceId && p.Key.StartsWith("parley_addon_")).Select(p => p.Key["parley_addon_".Length..]).FirstOrDefault();
}

/// <summary>
/// Brings Stripe's state into the workspace's ledger: a subscription (plan, status, period, cancellation, add-on items)
/// read fresh from Stripe, an invoice (a payment or a failure), a refunded charge. Applying the same object twice, or an
/// older event after a newer one, ends in the same rows: the subscription is always re-read, refunds carry totals.
/// </summary>
public sealed class StripeSync(IStripeClient stripe, AppDbContext db, BillingService ledger, IMemoryCache cache, TimeProvider clock)
{
    /// <summary>Prices change only when an operator edits them in Stripe; read once per hour per instance.</summary>
    public async Task<StripePrices> PricesAsync(CancellationToken ct) => await cache.GetOrCreateAsync("stripe:prices", async entry =>
    {
        entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1);
        entry.Size = 1;
        var keys = await db.Plans.Select(p => p.Code).ToListAsync(ct);
        var addOns = await db.AddOns.Select(a => a.Code).ToListAsync(ct);
        var lookup = keys.Select(StripeOptions.PlanKey).Concat(addOns.Select(StripeOptions.AddOnKey)).ToList();
        var prices = await new PriceService(stripe).ListAsync(new PriceListOptions { LookupKeys = lookup, Active = true, Limit = 100 }, cancellationToken: ct);
        return new StripePrices(prices.Data.Where(p => p.LookupKey is not null).ToDictionary(p => p.LookupKey, p => p.Id));
    }) ?? throw new InvalidOperationException("No prices.");

    /// <summary>Applies a subscription (fresh from Stripe) to the current workspace's ledger and saves.</summary>
    public async Task ApplyAsync(Stripe.Subscription remote, CancellationToken ct, string? cancelReason = null)
    {
        var prices = await PricesAsync(ct);
        var planItem = remote.Items.Data.FirstOrDefault(i => prices.PlanOf(i.Price.Id) is not null);
        var current = await ledger.CurrentAsync(ct);
        // An event about a subscription this workspace has since replaced (an old checkout) changes nothing.
        if (current?.StripeSubscriptionId is { } known && known != remote.Id && remote.Status is "canceled" or "incomplete_expired") return;
        await db.SaveAtomicallyAsync(async token =>
        {
            if (remote.Status is "canceled" or "incomplete_expired" || planItem is null)
            {
                if (current?.StripeSubscriptionId == remote.Id) await ledger.FallToFreeAsync("The Stripe subscription ended.", token);
                return;
            }
            if (remote.Status == "incomplete") return; // the first payment has not gone through: nothing to give yet
            var plan = await db.Plans.SingleAsync(p => p.Code == prices.PlanOf(planItem.Price.Id), token);
            var status = remote.Status switch
            {
                "trialing" => SubscriptionStatus.Trialing,
                "past_due" => SubscriptionStatus.PastDue,
                "unpaid" or "paused" => SubscriptionStatus.Unpaid,
                _ => SubscriptionStatus.Active,
            };
            var sub = await ledger.SwitchPlanAsync(plan, status, planItem.CurrentPeriodStart, planItem.CurrentPeriodEnd, true, remote.Id, remote.TrialEnd, token);
            sub.CancelAtPeriodEnd = remote.CancelAtPeriodEnd;
            sub.CancelReason = remote.CancelAtPeriodEnd ? cancelReason ?? remote.CancellationDetails?.Comment ?? sub.CancelReason : null;
            if (status == SubscriptionStatus.PastDue) sub.PastDueSince ??= clock.GetUtcNow();
            await db.SaveChangesAsync(token);

            // Add-ons: as many active units of each as the subscription's item quantity.
            foreach (var addOn in await db.AddOns.ToListAsync(token))
            {
                var item = remote.Items.Data.FirstOrDefault(i => prices.AddOnOf(i.Price.Id) == addOn.Code);
                var want = (int)(item?.Quantity ?? 0);
                var have = await db.AddOnPurchases.CountAsync(a => a.Active && a.AddOnId == addOn.Id, token);
                if (want > have) await ledger.AddAddOnAsync(addOn, want - have, item!.Id, token);
                else if (want < have) await ledger.TrimAddOnAsync(addOn.Id, want, token);
            }
        }, ct);
    }

    /// <summary>
    /// A completed Checkout Session: the workspace keeps the customer Stripe made, and the subscription is read fresh and
    /// applied (the webhook and the page the customer comes back to both call this).
    /// </summary>
    public async Task ApplySessionAsync(Stripe.Checkout.Session session, Guid tenantId, CancellationToken ct)
    {
        if (session.SubscriptionId is null) return;
        await db.Tenants.Where(t => t.Id == tenantId && t.StripeCustomerId == null).ExecuteUpdateAsync(u => u.SetProperty(t => t.StripeCustomerId, session.CustomerId), ct);
        await ApplyAsync(await new SubscriptionService(stripe).GetAsync(session.SubscriptionId, cancellationToken: ct), ct);
    }

    /// <summary>Records an invoice (fresh from Stripe, with its payments) as a payment row.</summary>
    public async Task ApplyInvoiceAsync(Invoice invoice, CancellationToken ct)
    {
        var failed = invoice.Status == "open" && invoice.AttemptCount > 0 && invoice.AmountRemaining > 0;
        if (invoice.Status is not ("paid" or "open") || (invoice.Status == "open" && !failed)) return;
        var lines = invoice.Lines?.Data ?? [];
        var kind = invoice.BillingReason == "subscription_update" ? PaymentKind.Proration : PaymentKind.Subscription;
        var description = lines.Count > 0 ? string.Join(" + ", lines.Select(l => l.Description).Where(d => !string.IsNullOrEmpty(d)).Distinct()) : invoice.Description ?? "Parley";
        var intent = invoice.Payments?.Data.Select(p => p.Payment?.PaymentIntentId).FirstOrDefault(id => id is not null);
        await db.SaveAtomicallyAsync(async token => await ledger.RecordPaymentAsync(new PaymentReport(invoice.Id, kind,
            failed ? PaymentStatus.Failed : PaymentStatus.Paid, (failed ? invoice.AmountDue : invoice.AmountPaid) / 100m, invoice.Currency,
            description.Length > 300 ? description[..300] : description, invoice.Created, invoice.HostedInvoiceUrl, intent,
            failed ? invoice.LastFinalizationError?.Code ?? "card_declined" : null), token), ct);
        await ledger.AfterCommitAsync(ct);
    }
}
