using Microsoft.Extensions.Options;
using Parley.Features.Plans;
using Parley.Infrastructure.Tenancy;
using Stripe;
using Plan = Parley.Features.Plans.Plan;
using Subscription = Parley.Features.Plans.Subscription;
using SubscriptionStatus = Parley.Features.Plans.SubscriptionStatus;

namespace Parley.Features.Billing;

public class StripeOptions
{
    public const string Section = "Parley:Billing:Stripe";
    /// <summary>The secret key (sk_live_… or sk_test_…); none: the test-mode checkout.</summary>
    public string? SecretKey { get; set; }
    /// <summary>The signing secret of the webhook endpoint (whsec_…) that points at https://{root}/stripe/webhook.</summary>
    public string? WebhookSecret { get; set; }
    /// <summary>Another API base (tests point it at a local stand-in).</summary>
    public string? ApiBase { get; set; }
    /// <summary>How old a signed webhook may be, in seconds (Stripe's default 300).</summary>
    public int ToleranceSeconds { get; set; } = 300;
    public bool Enabled => !string.IsNullOrWhiteSpace(SecretKey);
    /// <summary>Without a key, whether the test-mode checkout may change plans: on in Development, off elsewhere unless set (a public server must not give plans away).</summary>
    public bool? TestCheckout { get; set; }

    /// <summary>Prices are found by lookup key: "parley_{plan code}" for plans, "parley_addon_{add-on code}" for add-ons.</summary>
    public static string PlanKey(string code) => $"parley_{code}";
    public static string AddOnKey(string code) => $"parley_addon_{code}";
}

/// <summary>
/// Payments through Stripe: Checkout Sessions for a plan and its add-ons, the Billing Portal for cards and invoices,
/// subscription updates for plan changes (prorated and invoiced at once), add-ons as subscription items, and cancellation
/// at period end. After each write the returned subscription is applied through <see cref="StripeSync"/>, the same code
/// the webhook runs, so the page shows the result without waiting for the event.
/// </summary>
public sealed class StripeGateway(IStripeClient stripe, StripeSync sync, AppDbContext db, ITenantContext tenant, IOptions<Infrastructure.ParleyOptions> options, TimeProvider clock)
    : IBillingGateway
{
    public bool TestMode => false;
    private static RequestOptions Once(string operation, string what) => new() { IdempotencyKey = $"parley:{what}:{operation}" };

    public async Task<string> CustomerAsync(CancellationToken ct)
    {
        var t = tenant.Tenant!;
        var id = await db.Tenants.Where(x => x.Id == t.Id).Select(x => x.StripeCustomerId).SingleAsync(ct);
        if (id is not null) return id;
        var owner = await Workspaces.WorkspaceOwner.EmailAsync(db, ct);
        var customer = await new CustomerService(stripe).CreateAsync(new CustomerCreateOptions
        {
            Name = t.Name, Email = owner, Metadata = new() { ["tenant_id"] = t.Id.ToString() },
        }, new RequestOptions { IdempotencyKey = $"parley:customer:{t.Id:N}" }, ct);
        await db.Tenants.Where(x => x.Id == t.Id && x.StripeCustomerId == null).ExecuteUpdateAsync(u => u.SetProperty(x => x.StripeCustomerId, customer.Id), ct);
        return await db.Tenants.Where(x => x.Id == t.Id).Select(x => x.StripeCustomerId).SingleAsync(ct) ?? customer.Id;
    }

    public async Task<string> CheckoutUrlAsync(Plan plan, IReadOnlyList<CheckoutItem> addOns, string operation, CancellationToken ct)
    {
        var prices = await sync.PricesAsync(ct);
        var items = new List<Stripe.Checkout.SessionLineItemOptions> { new() { Price = prices.Plan(plan.Code), Quantity = 1 } };
        items.AddRange(addOns.Select(a => new Stripe.Checkout.SessionLineItemOptions { Price = prices.AddOn(a.AddOn.Code), Quantity = a.Quantity }));
        var home = TenantHosts.Url(options.Value, tenant.Tenant!.Slug);
        var session = await new Stripe.Checkout.SessionService(stripe).CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "subscription", Customer = await CustomerAsync(ct), ClientReferenceId = tenant.TenantId.ToString(), LineItems = items,
            AllowPromotionCodes = true,
            SubscriptionData = new() { Metadata = new() { ["tenant_id"] = tenant.TenantId.ToString()! } },
            SuccessUrl = $"{home}/billing?checkout={{CHECKOUT_SESSION_ID}}", CancelUrl = $"{home}/billing?checkout=cancelled",
        }, Once(operation, "checkout"), ct);
        return session.Url;
    }

    private async Task<(Subscription Sub, Stripe.Subscription Remote, SubscriptionItem PlanItem)> RemoteAsync(Subscription current, CancellationToken ct)
    {
        if (current.StripeSubscriptionId is null) throw new BillingRefused("This plan was not bought through Stripe. Choose a plan to check out.");
        var remote = await new SubscriptionService(stripe).GetAsync(current.StripeSubscriptionId, cancellationToken: ct);
        var prices = await sync.PricesAsync(ct);
        var item = remote.Items.Data.FirstOrDefault(i => prices.PlanOf(i.Price.Id) is not null)
                   ?? throw new BillingRefused("The Stripe subscription has no Parley plan on it.");
        return (current, remote, item);
    }

    public async Task<ChangePreview> PreviewChangeAsync(Subscription current, Plan target, CancellationToken ct)
    {
        var (_, remote, item) = await RemoteAsync(current, ct);
        var prices = await sync.PricesAsync(ct);
        var invoice = await new InvoiceService(stripe).CreatePreviewAsync(new InvoiceCreatePreviewOptions
        {
            Customer = remote.CustomerId, Subscription = remote.Id,
            SubscriptionDetails = new() { Items = [new() { Id = item.Id, Price = prices.Plan(target.Code) }], ProrationBehavior = "always_invoice", ProrationDate = clock.GetUtcNow().UtcDateTime },
        }, new RequestOptions { IdempotencyKey = $"parley:preview:{Guid.NewGuid():N}" }, ct); // a POST that changes nothing: a fresh key each time
        return new ChangePreview(invoice.AmountDue / 100m, target.MonthlyPrice, invoice.Currency, item.CurrentPeriodEnd);
    }

    public async Task ChangePlanAsync(Subscription current, Plan target, string operation, CancellationToken ct)
    {
        var (_, remote, item) = await RemoteAsync(current, ct);
        var prices = await sync.PricesAsync(ct);
        var updated = await new SubscriptionService(stripe).UpdateAsync(remote.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = item.Id, Price = prices.Plan(target.Code) }], ProrationBehavior = "always_invoice",
        }, Once(operation, "change"), ct);
        await sync.ApplyAsync(updated, ct);
    }

    public async Task BuyAddOnAsync(Subscription current, AddOn addOn, int quantity, string operation, CancellationToken ct)
    {
        var (_, remote, _) = await RemoteAsync(current, ct);
        var price = (await sync.PricesAsync(ct)).AddOn(addOn.Code);
        var held = remote.Items.Data.FirstOrDefault(i => i.Price.Id == price);
        if (held is not null && !addOn.Stackable) throw new BillingRefused($"{addOn.Name} is already on this workspace.");
        if (held is null)
            await new SubscriptionItemService(stripe).CreateAsync(new SubscriptionItemCreateOptions
                { Subscription = remote.Id, Price = price, Quantity = quantity, ProrationBehavior = "always_invoice" }, Once(operation, "addon"), ct);
        else
            await new SubscriptionItemService(stripe).UpdateAsync(held.Id, new SubscriptionItemUpdateOptions
                { Quantity = held.Quantity + quantity, ProrationBehavior = "always_invoice" }, Once(operation, "addon"), ct);
        await sync.ApplyAsync(await new SubscriptionService(stripe).GetAsync(remote.Id, cancellationToken: ct), ct);
    }

    public async Task RemoveAddOnAsync(Subscription current, AddOn addOn, int keep, string operation, CancellationToken ct)
    {
        var (_, remote, _) = await RemoteAsync(current, ct);
        var price = (await sync.PricesAsync(ct)).AddOn(addOn.Code);
        if (remote.Items.Data.FirstOrDefault(i => i.Price.Id == price) is { } held)
        {
            // Removing takes effect at once; the month already paid is not refunded (the page says so).
            if (keep <= 0)
                await new SubscriptionItemService(stripe).DeleteAsync(held.Id, new SubscriptionItemDeleteOptions { ProrationBehavior = "none" }, Once(operation, "addon-remove"), ct);
            else
                await new SubscriptionItemService(stripe).UpdateAsync(held.Id, new SubscriptionItemUpdateOptions { Quantity = keep, ProrationBehavior = "none" }, Once(operation, "addon-remove"), ct);
        }
        await sync.ApplyAsync(await new SubscriptionService(stripe).GetAsync(remote.Id, cancellationToken: ct), ct);
    }

    public async Task CancelAsync(Subscription current, string reason, string operation, CancellationToken ct)
    {
        var (_, remote, _) = await RemoteAsync(current, ct);
        var updated = await new SubscriptionService(stripe).UpdateAsync(remote.Id, new SubscriptionUpdateOptions
        {
            CancelAtPeriodEnd = true, CancellationDetails = new() { Comment = reason.Length > 500 ? reason[..500] : reason },
        }, Once(operation, "cancel"), ct);
        await sync.ApplyAsync(updated, ct, reason);
    }

    public async Task ResumeAsync(Subscription current, string operation, CancellationToken ct)
    {
        var (_, remote, _) = await RemoteAsync(current, ct);
        await sync.ApplyAsync(await new SubscriptionService(stripe).UpdateAsync(remote.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = false }, Once(operation, "resume"), ct), ct);
    }

    public async Task<string?> PortalUrlAsync(string returnUrl, CancellationToken ct) =>
        (await new Stripe.BillingPortal.SessionService(stripe).CreateAsync(new Stripe.BillingPortal.SessionCreateOptions
            { Customer = await CustomerAsync(ct), ReturnUrl = returnUrl }, new RequestOptions { IdempotencyKey = $"parley:portal:{Guid.NewGuid():N}" }, ct)).Url;
}
