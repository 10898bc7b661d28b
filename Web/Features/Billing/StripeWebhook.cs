using Microsoft.Extensions.Options;
using Parley.Infrastructure.Jobs;
using Stripe;

namespace Parley.Features.Billing;

/// <summary>
/// Stripe's events, on the root host: the signature is verified on the raw body (<see cref="EventUtility.ConstructEvent(string, string, string, long, bool)"/>
/// with the configured tolerance), each event id is taken once (a repeat answers 200 and changes nothing), and the
/// object an event names is re-read from Stripe before it is applied, so events that arrive late or out of order end in
/// Stripe's current state. An event is stored after it is applied: if applying fails, Stripe's retry applies it again.
/// </summary>
public static class StripeWebhook
{
    public const string Path = "/stripe/webhook";

    public static void MapStripeWebhook(this WebApplication app) =>
        app.MapPost(Path, HandleAsync).WithMetadata(new Infrastructure.Web.RootHostAttribute()).DisableAntiforgery().ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext http, IOptions<StripeOptions> options, AppDbContext db, IServiceProvider services,
        TenantScopes scopes, TimeProvider clock, ILogger<StripeEvents> log)
    {
        var o = options.Value;
        if (!o.Enabled || string.IsNullOrEmpty(o.WebhookSecret)) return Results.NotFound();
        if (http.Request.ContentLength > 512 * 1024) return Results.Problem("The event is larger than Stripe sends.", statusCode: 413);
        var json = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        Event e;
        try { e = EventUtility.ConstructEvent(json, http.Request.Headers["Stripe-Signature"], o.WebhookSecret, o.ToleranceSeconds, throwOnApiVersionMismatch: false); }
        catch (StripeException ex)
        {
            log.LogWarning("Refused a Stripe webhook: {Reason}", ex.Message);
            return Results.Problem("The Stripe-Signature header does not match this body, or it is too old.", statusCode: 400, title: "Invalid signature");
        }
        if (await db.BillingEvents.AnyAsync(x => x.Id == e.Id, http.RequestAborted)) return Results.Ok(new { received = true, duplicate = true });

        var (customer, tenantHint) = e.Data.Object switch
        {
            Stripe.Checkout.Session s => (s.CustomerId, Guid.TryParse(s.ClientReferenceId, out var t) ? t : (Guid?)null),
            Stripe.Subscription s => (s.CustomerId, null),
            Invoice i => (i.CustomerId, null),
            Charge c => (c.CustomerId, null),
            _ => ((string?)null, (Guid?)null),
        };
        var tenant = tenantHint is { } hint
            ? await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == hint && (t.StripeCustomerId == null || t.StripeCustomerId == customer), http.RequestAborted)
            : customer is null ? null : await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.StripeCustomerId == customer, http.RequestAborted);
        if (tenant is null && customer is not null)
            log.LogWarning("Stripe event {EventId} ({Type}) is about customer {Customer}, which no workspace has", e.Id, e.Type, customer);
        try
        {
            if (tenant is not null)
                await scopes.RunAsync(tenant, sp => sp.GetRequiredService<StripeEvents>().ApplyAsync(e, http.RequestAborted));
        }
        catch (StripeException ex)
        {
            log.LogError(ex, "Stripe event {EventId} ({Type}) could not be applied; Stripe will send it again", e.Id, e.Type);
            return Results.Problem("Stripe could not be reached to re-read this event's object; send it again later.", statusCode: 503);
        }
        db.BillingEvents.Add(new BillingEvent { Id = e.Id, Type = e.Type, TenantId = tenant?.Id, ReceivedAt = clock.GetUtcNow() });
        try { await db.SaveChangesAsync(http.RequestAborted); }
        catch (DbUpdateException) { } // the same event, delivered twice at once, was applied twice (to the same end) and stored once
        return Results.Ok(new { received = true });
    }
}

/// <summary>Applies one verified event inside its workspace.</summary>
public sealed class StripeEvents(IStripeClient stripe, StripeSync sync, BillingService ledger, AppDbContext db, Infrastructure.Tenancy.ITenantContext tenant)
{
    public async Task<int> ApplyAsync(Event e, CancellationToken ct)
    {
        switch (e.Data.Object)
        {
            case Stripe.Checkout.Session s when e.Type == EventTypes.CheckoutSessionCompleted:
                await sync.ApplySessionAsync(s, tenant.TenantId!.Value, ct);
                break;
            case Stripe.Subscription s when e.Type.StartsWith("customer.subscription."):
                await sync.ApplyAsync(await new SubscriptionService(stripe).GetAsync(s.Id, cancellationToken: ct), ct);
                break;
            case Invoice i when e.Type is EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed or EventTypes.InvoicePaymentSucceeded:
                await sync.ApplyInvoiceAsync(await new InvoiceService(stripe).GetAsync(i.Id, new InvoiceGetOptions { Expand = ["payments"] }, cancellationToken: ct), ct);
                break;
            case Charge c when e.Type == EventTypes.ChargeRefunded:
                await db.SaveAtomicallyAsync(token => ledger.RefundAsync(c.PaymentIntentId, null, c.AmountRefunded / 100m, token), ct);
                break;
        }
        return 0;
    }
}
