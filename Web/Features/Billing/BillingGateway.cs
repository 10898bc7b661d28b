using Parley.Features.Plans;

namespace Parley.Features.Billing;

public sealed record CheckoutItem(AddOn AddOn, int Quantity);

/// <summary>What a plan change costs: charged now (negative: a credit on the next invoice), and the next regular invoice.</summary>
public sealed record ChangePreview(decimal AmountNow, decimal NextInvoice, string Currency, DateTimeOffset NextAt);

/// <summary>
/// Where payments happen: Stripe (Checkout, the Billing Portal, subscription updates; state arrives by webhook and by
/// re-reading the subscription) or, with no Stripe key, the clearly labelled test-mode checkout that changes the plan
/// locally. Every call takes the operation id of the form that asked, which becomes Stripe's idempotency key: a form
/// sent twice makes one change.
/// </summary>
public interface IBillingGateway
{
    bool TestMode { get; }
    Task<string> CheckoutUrlAsync(Plan plan, IReadOnlyList<CheckoutItem> addOns, string operation, CancellationToken ct);
    Task<ChangePreview> PreviewChangeAsync(Subscription current, Plan target, CancellationToken ct);
    Task ChangePlanAsync(Subscription current, Plan target, string operation, CancellationToken ct);
    Task BuyAddOnAsync(Subscription current, AddOn addOn, int quantity, string operation, CancellationToken ct);
    Task RemoveAddOnAsync(Subscription current, AddOn addOn, int keep, string operation, CancellationToken ct);
    Task CancelAsync(Subscription current, string reason, string operation, CancellationToken ct);
    Task ResumeAsync(Subscription current, string operation, CancellationToken ct);
    /// <summary>Stripe's Billing Portal for cards and invoices, or null in test mode.</summary>
    Task<string?> PortalUrlAsync(string returnUrl, CancellationToken ct);
}

/// <summary>Money for the part of a period still ahead (a proration), rounded to cents.</summary>
public static class Proration
{
    public static decimal Remaining(decimal monthlyPrice, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        var total = (end - start).TotalSeconds;
        if (total <= 0 || now >= end) return 0;
        var left = (end - (now < start ? start : now)).TotalSeconds;
        return Math.Round(monthlyPrice * (decimal)(left / total), 2, MidpointRounding.AwayFromZero);
    }
}

/// <summary>
/// Test mode (no Stripe key): every payment succeeds at once on this machine, unless the checkout's "declined card" is
/// chosen; invoices are numbered "test_in_…" and nothing is charged anywhere. The Billing page and the checkout say so.
/// </summary>
public sealed class TestModeGateway(BillingService ledger, AppDbContext db, TimeProvider clock, IHostEnvironment env,
    Microsoft.Extensions.Options.IOptions<StripeOptions> options) : IBillingGateway
{
    public bool TestMode => true;
    /// <summary>Whether this installation lets the test-mode checkout change plans (Development, or Billing:Stripe:TestCheckout).</summary>
    public bool Allowed => options.Value.TestCheckout ?? env.IsDevelopment();
    private void EnsureAllowed()
    {
        if (!Allowed) throw new BillingRefused("Payments are not set up on this installation yet. Ask its operator to configure Stripe.");
    }

    public Task<string> CheckoutUrlAsync(Plan plan, IReadOnlyList<CheckoutItem> addOns, string operation, CancellationToken ct)
    {
        EnsureAllowed();
        return Task.FromResult($"/billing/checkout?plan={plan.Code}&op={Uri.EscapeDataString(operation)}" +
                               string.Concat(addOns.Select(a => $"&addon={Uri.EscapeDataString(a.AddOn.Code)}:{a.Quantity}")));
    }

    /// <summary>The test-mode checkout's "Pay" (or "declined card"): the plan, its add-ons and the first invoice in one save.</summary>
    public async Task<string?> CompleteCheckoutAsync(Plan plan, IReadOnlyList<CheckoutItem> addOns, bool declined, string operation, CancellationToken ct)
    {
        EnsureAllowed();
        var now = clock.GetUtcNow();
        var invoice = $"test_in_{operation}";
        var total = plan.MonthlyPrice + addOns.Sum(a => a.AddOn.MonthlyPrice * a.Quantity);
        var description = string.Join(" + ", new[] { $"{plan.Name} plan" }.Concat(addOns.Select(a => a.Quantity > 1 ? $"{a.Quantity} × {a.AddOn.Name}" : a.AddOn.Name)));
        if (await db.Payments.AnyAsync(p => p.InvoiceId == invoice && p.Status == PaymentStatus.Paid, ct)) return null; // the same checkout sent twice
        string? problem = null;
        await db.SaveAtomicallyAsync(async token =>
        {
            if (declined)
            {
                await ledger.RecordPaymentAsync(new PaymentReport($"{invoice}_{now.ToUnixTimeMilliseconds()}", PaymentKind.Subscription, PaymentStatus.Failed, total, "usd",
                    description, now, FailureCode: "card_declined"), token);
                problem = "The card was declined (test mode). Nothing changed; try again with the test card that pays.";
                return;
            }
            await ledger.SwitchPlanAsync(plan, SubscriptionStatus.Active, now, now.AddMonths(1), true, null, null, token);
            await db.SaveChangesAsync(token);
            foreach (var a in addOns) problem ??= await ledger.AddAddOnAsync(a.AddOn, a.Quantity, null, token);
            if (problem is not null) throw new InvalidOperationException(problem);
            await ledger.RecordPaymentAsync(new PaymentReport(invoice, PaymentKind.Subscription, PaymentStatus.Paid,
                total, "usd", description, now, $"/billing/invoice/{invoice}"), token);
        }, ct);
        await ledger.AfterCommitAsync(ct);
        return problem;
    }

    public async Task<ChangePreview> PreviewChangeAsync(Subscription current, Plan target, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var net = Proration.Remaining(target.MonthlyPrice, current.CurrentPeriodStart, current.CurrentPeriodEnd, now)
                  - Proration.Remaining(current.Plan!.MonthlyPrice, current.CurrentPeriodStart, current.CurrentPeriodEnd, now);
        var addOns = await db.AddOnPurchases.Where(a => a.Active).SumAsync(a => (double)a.PricePaid, ct);
        return new ChangePreview(net, target.MonthlyPrice + (decimal)addOns, "usd", current.CurrentPeriodEnd);
    }

    public async Task ChangePlanAsync(Subscription current, Plan target, string operation, CancellationToken ct)
    {
        EnsureAllowed();
        var preview = await PreviewChangeAsync(current, target, ct);
        var now = clock.GetUtcNow();
        await db.SaveAtomicallyAsync(async token =>
        {
            await ledger.SwitchPlanAsync(target, SubscriptionStatus.Active, current.CurrentPeriodStart, current.CurrentPeriodEnd, true, null, null, token);
            if (preview.AmountNow != 0)
                await ledger.RecordPaymentAsync(new PaymentReport($"test_in_{operation}", PaymentKind.Proration, PaymentStatus.Paid, preview.AmountNow, "usd",
                    preview.AmountNow > 0 ? $"{current.Plan!.Name} → {target.Name}, rest of this period" : $"Credit for unused time on {current.Plan!.Name}", now,
                    $"/billing/invoice/test_in_{operation}"), token);
        }, ct);
        await ledger.AfterCommitAsync(ct);
    }

    public async Task BuyAddOnAsync(Subscription current, AddOn addOn, int quantity, string operation, CancellationToken ct)
    {
        EnsureAllowed();
        var now = clock.GetUtcNow();
        string? problem = null;
        await db.SaveAtomicallyAsync(async token =>
        {
            problem = await ledger.AddAddOnAsync(addOn, quantity, null, token);
            if (problem is not null) return;
            var amount = Proration.Remaining(addOn.MonthlyPrice * quantity, current.CurrentPeriodStart, current.CurrentPeriodEnd, now);
            await ledger.RecordPaymentAsync(new PaymentReport($"test_in_{operation}", PaymentKind.AddOn, PaymentStatus.Paid, amount, "usd",
                $"{(quantity > 1 ? $"{quantity} × " : "")}{addOn.Name}, rest of this period", now, $"/billing/invoice/test_in_{operation}"), token);
        }, ct);
        if (problem is not null) throw new BillingRefused(problem);
        await ledger.AfterCommitAsync(ct);
    }

    public async Task RemoveAddOnAsync(Subscription current, AddOn addOn, int keep, string operation, CancellationToken ct)
    {
        await ledger.TrimAddOnAsync(addOn.Id, keep, ct);
        await db.SaveChangesAsync(ct);
    }

    public async Task CancelAsync(Subscription current, string reason, string operation, CancellationToken ct)
    {
        current.CancelAtPeriodEnd = true;
        current.CancelReason = reason;
        await db.SaveChangesAsync(ct);
    }

    public async Task ResumeAsync(Subscription current, string operation, CancellationToken ct)
    {
        current.CancelAtPeriodEnd = false;
        current.CancelReason = null;
        await db.SaveChangesAsync(ct);
    }

    public Task<string?> PortalUrlAsync(string returnUrl, CancellationToken ct) => Task.FromResult<string?>(null);
}

/// <summary>A billing request the ledger refuses (a second "remove branding", an add-on on Free), with a sentence for the owner.</summary>
public sealed class BillingRefused(string message) : Exception(message);
