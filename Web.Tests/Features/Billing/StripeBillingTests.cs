using System.Text.Json.Nodes;
using Parley.Features.Billing;
using Parley.Features.Plans;

namespace Parley.Tests.Features.Billing;

/// <summary>
/// Billing through Stripe.net against <see cref="FakeStripe"/> (Stripe's documented API contract: key, API version, form
/// encoding, idempotency keys on every POST), with webhook payloads signed by Stripe's own node library: accepted once,
/// refused when tampered with or stale, applied in Stripe's current state whatever order they arrive in.
/// </summary>
public abstract class StripeBillingTests<TApp>(FakeStripe stripe) : IClassFixture<FakeStripe>, IAsyncLifetime where TApp : ParleyApp, new()
{
    private TApp app = null!;

    public async Task InitializeAsync()
    {
        app = new TApp
        {
            Settings = new()
            {
                ["Parley:Billing:Stripe:SecretKey"] = FakeStripe.Key,
                ["Parley:Billing:Stripe:WebhookSecret"] = FakeStripe.WebhookSecret,
                ["Parley:Billing:Stripe:ApiBase"] = stripe.ApiBase,
            },
        };
        await app.InitializeAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpResponseMessage> DeliverAsync(string payload, DateTimeOffset? signedAt = null, string? header = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", header ?? await FakeStripe.SignAsync(payload, FakeStripe.WebhookSecret, signedAt ?? DateTimeOffset.UtcNow));
        return await app.Client().SendAsync(request);
    }

    /// <summary>The Owner chooses a plan on Billing; Parley sends them to Stripe Checkout; they pay there and Stripe says so by webhook.</summary>
    private async Task<(SignedUp Ws, FakeStripe.Sub Sub, JsonObject Invoice, string Session)> SubscribedAsync(string plan, params string[] addOns)
    {
        var ws = await app.SignUpAsync();
        var fields = new List<KeyValuePair<string, string>> { new("plan", plan), new("op", Guid.NewGuid().ToString("N")) };
        fields.AddRange(addOns.Select(a => new KeyValuePair<string, string>("addons", a)));
        var chosen = await ws.Tenant.PostFormAsync("/billing", "/billing?handler=Checkout", fields, htmx: false);
        var url = chosen.RedirectTarget();
        Assert.True(url?.StartsWith("https://checkout.stripe.test/c/pay/cs_test_") == true, $"{(int)chosen.StatusCode} {url} {await chosen.TextAsync()}");
        var session = url!.Split('/').Last();
        var (completed, sub, invoice) = stripe.CompleteCheckout(session);
        (await DeliverAsync(stripe.Event("checkout.session.completed", completed))).AssertStatus(HttpStatusCode.OK);
        (await DeliverAsync(stripe.Event("invoice.paid", invoice))).AssertStatus(HttpStatusCode.OK);
        return (ws, sub, invoice, session);
    }

    [Fact]
    public async Task Checkout_goes_to_stripe_and_the_signed_webhook_applies_the_plan_add_ons_and_payment_once()
    {
        var ws = await app.SignUpAsync();
        var op = Guid.NewGuid().ToString("N");
        var chosen = await ws.Tenant.PostFormAsync("/billing", "/billing?handler=Checkout",
            [new("plan", PlanCatalog.Gold), new("op", op), new("addons", BillingCatalog.ExtraMessages)], htmx: false);
        var session = chosen.RedirectTarget()!.Split('/').Last();
        var create = stripe.Requests.Single(r => r.Path == "/checkout/sessions" && r.IdempotencyKey == $"parley:checkout:{op}");
        Assert.Equal(("subscription", ws.TenantId.ToString(), "price_gold", "1", "price_messages"), (create.Form["mode"], create.Form["client_reference_id"],
            create.Form["line_items[0][price]"], create.Form["line_items[0][quantity]"], create.Form["line_items[1][price]"]));
        Assert.EndsWith($"{ws.Slug}.localhost/billing?checkout={{CHECKOUT_SESSION_ID}}", create.Form["success_url"]);
        var customer = stripe.Requests.Single(r => r.Path == "/customers" && r.Form["metadata[tenant_id]"] == ws.TenantId.ToString());
        Assert.Equal($"parley:customer:{ws.TenantId:N}", customer.IdempotencyKey);
        Assert.Equal(PlanCatalog.Free, (await app.BooksAsync(ws.TenantId)).Current.Plan!.Code); // nothing changes before Stripe says it is paid

        // Back from Checkout before the webhook: the page reads the session and shows the plan at once.
        var (completed, sub, invoice) = stripe.CompleteCheckout(session);
        var back = await (await ws.Tenant.GetAsync($"/billing?checkout={session}")).TextAsync();
        Assert.Contains("the payment went through", back);
        Assert.Contains("Gold plan", back);

        var checkoutEvent = stripe.Event("checkout.session.completed", completed);
        (await DeliverAsync(checkoutEvent)).AssertStatus(HttpStatusCode.OK);
        var paidEvent = stripe.Event("invoice.paid", invoice);
        (await DeliverAsync(paidEvent)).AssertStatus(HttpStatusCode.OK);
        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal((PlanCatalog.Gold, SubscriptionStatus.Active, sub.Id), (books.Current.Plan!.Code, books.Current.Status, books.Current.StripeSubscriptionId));
        Assert.Equal(2, books.Subscriptions.Count);
        var addOn = Assert.Single(books.AddOns, a => a.Active);
        Assert.Equal((AddOnKind.ExtraMessages, sub.Items[1].Id), (addOn.Kind, addOn.StripeItemId));
        var payment = Assert.Single(books.Payments);
        Assert.Equal((invoice["id"]!.GetValue<string>(), 118m, PaymentStatus.Paid), (payment.InvoiceId, payment.Amount, payment.Status));
        Assert.StartsWith("https://invoice.stripe.test/i/", payment.InvoiceUrl);
        Assert.StartsWith("pi_", payment.PaymentIntentId);

        // The same event delivered again changes nothing.
        var again = await DeliverAsync(paidEvent);
        again.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("duplicate", await again.BodyAsync());
        Assert.Single((await app.BooksAsync(ws.TenantId)).Payments);
        Assert.Equal(1, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BillingEvents.CountAsync(e => e.Type == "invoice.paid" && e.TenantId == ws.TenantId)));

        // Tampered, stale or unsigned payloads are refused.
        var header = await FakeStripe.SignAsync(paidEvent, FakeStripe.WebhookSecret, DateTimeOffset.UtcNow);
        (await DeliverAsync(paidEvent.Replace("\"amount_paid\":11800", "\"amount_paid\":1"), header: header)).AssertStatus(HttpStatusCode.BadRequest);
        var fresh = stripe.Event("invoice.paid", invoice);
        (await DeliverAsync(fresh, DateTimeOffset.UtcNow.AddMinutes(-10))).AssertStatus(HttpStatusCode.BadRequest);
        (await DeliverAsync(fresh, header: "t=1,v1=00")).AssertStatus(HttpStatusCode.BadRequest);
        var wrongSecret = await FakeStripe.SignAsync(fresh, "whsec_someone_else", DateTimeOffset.UtcNow);
        (await DeliverAsync(fresh, header: wrongSecret)).AssertStatus(HttpStatusCode.BadRequest);
        Assert.Empty(stripe.Violations);
    }

    [Fact]
    public async Task Plan_changes_add_ons_cancellation_and_the_portal_go_through_stripe_with_one_key_per_form()
    {
        var (ws, sub, _, _) = await SubscribedAsync(PlanCatalog.Silver);
        var preview = await (await ws.BillingPostAsync("Preview", ("plan", PlanCatalog.Gold))).TextAsync();
        Assert.Matches(@"You pay <strong>\$(49|50)\.\d\d</strong> now", preview);
        var asked = stripe.Requests.Last(r => r.Path == "/invoices/create_preview");
        Assert.Equal((sub.Id, sub.Items[0].Id, "price_gold", "always_invoice"), (asked.Form["subscription"], asked.Form["subscription_details[items][0][id]"],
            asked.Form["subscription_details[items][0][price]"], asked.Form["subscription_details[proration_behavior]"]));

        // The confirm form sent twice at once (the same operation id) makes one change: Stripe sees one key, the ledger one new row.
        var op = Guid.NewGuid().ToString("N");
        await ws.Tenant.GetAsync("/billing");
        var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ws.Tenant.PostFormAsync("/billing", "/billing?handler=Change", [new("plan", PlanCatalog.Gold), new("op", op)], htmx: false)));
        Assert.Contains(both, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(both, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity));
        Assert.InRange(stripe.Requests.Count(r => r.IdempotencyKey == $"parley:change:{op}"), 1, 2);
        Assert.Single(stripe.Requests.Where(r => r.IdempotencyKey != null && r.IdempotencyKey.StartsWith("parley:change:")).Select(r => r.IdempotencyKey).Distinct(), $"parley:change:{op}");
        Assert.Equal("price_gold", sub.Items[0].Price);
        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(PlanCatalog.Gold, books.Current.Plan!.Code);
        Assert.Equal(3, books.Subscriptions.Count);

        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        (await ws.BillingPostAsync("AddOn", ("code", BillingCatalog.ExtraBot), ("quantity", "1"))).AssertStatus(HttpStatusCode.OK);
        var item = sub.Items.Single(i => i.Price == "price_bot");
        Assert.Equal(2, item.Quantity);
        Assert.Equal(5 + 2, (await app.BooksAsync(ws.TenantId)).Limits.Bots);
        (await ws.BillingPostAsync("RemoveAddOn", ("code", BillingCatalog.ExtraBot))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, sub.Items.Single(i => i.Price == "price_bot").Quantity);
        Assert.Equal("none", stripe.Requests.Last(r => r.Path == $"/subscription_items/{item.Id}").Form["proration_behavior"]);
        Assert.Equal(5 + 1, (await app.BooksAsync(ws.TenantId)).Limits.Bots);

        (await ws.BillingPostAsync("Cancel", ("reason", "Too expensive"), ("comment", "Budget cut"))).AssertStatus(HttpStatusCode.OK);
        Assert.True(sub.CancelAtPeriodEnd);
        Assert.Equal("Too expensive: Budget cut", sub.CancelComment);
        var current = (await app.BooksAsync(ws.TenantId)).Current;
        Assert.Equal((true, "Too expensive: Budget cut"), (current.CancelAtPeriodEnd, current.CancelReason));
        (await ws.BillingPostAsync("Resume")).AssertStatus(HttpStatusCode.OK);
        Assert.False(sub.CancelAtPeriodEnd);

        var portal = await ws.Tenant.PostFormAsync("/billing", "/billing?handler=Portal", [], htmx: false);
        Assert.StartsWith("https://billing.stripe.test/p/session/", portal.RedirectTarget());
        Assert.EndsWith($"{ws.Slug}.localhost/billing", stripe.Requests.Last(r => r.Path == "/billing_portal/sessions").Form["return_url"]);
        Assert.All(stripe.Requests.Where(r => r.Method == "POST"), r => Assert.StartsWith("parley:", r.IdempotencyKey));
        Assert.Empty(stripe.Violations);
    }

    [Fact]
    public async Task Events_out_of_order_failures_grace_refunds_and_the_end_of_a_subscription_follow_stripe_s_state()
    {
        var (ws, sub, invoice, _) = await SubscribedAsync(PlanCatalog.Silver);
        var bot = await ws.Tenant.CreateBotAsync("Kept");
        var snapshot = stripe.SubscriptionJson(sub); // Silver, active

        // In the Billing Portal the customer moved to Premium; an older event (still Silver) arrives late.
        sub.Items[0] = (sub.Items[0].Id, "price_premium", 1);
        (await DeliverAsync(stripe.Event("customer.subscription.updated", snapshot))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(PlanCatalog.Premium, (await app.BooksAsync(ws.TenantId)).Current.Plan!.Code);

        // A renewal fails (case 15): the payment is recorded failed, the plan is past due, the owner is told and sees a banner.
        sub.Status = "past_due";
        var open = stripe.Invoice(sub, "subscription_cycle", paid: false);
        (await DeliverAsync(stripe.Event("invoice.payment_failed", open))).AssertStatus(HttpStatusCode.OK);
        (await DeliverAsync(stripe.Event("customer.subscription.updated", stripe.SubscriptionJson(sub)))).AssertStatus(HttpStatusCode.OK);
        var books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(SubscriptionStatus.PastDue, books.Current.Status);
        Assert.NotNull(books.Current.PastDueSince);
        Assert.Equal(PaymentStatus.Failed, books.Payments.Single(p => p.InvoiceId == open["id"]!.GetValue<string>()).Status);
        await app.Mail.WaitForAsync(ws.Email, "failed");
        Assert.Contains("The last payment for Premium failed", await (await ws.Tenant.GetAsync("/dashboard")).TextAsync());
        var widget = new WidgetClient(app, bot);
        (await widget.PostAsync("?handler=Session", [])).AssertStatus(HttpStatusCode.OK);

        // A week later the grace is over: the widget says it is unavailable, the dashboard is read-only, Billing still works.
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.PastDueSince, DateTimeOffset.UtcNow.AddDays(-8)));
        (await new WidgetClient(app, bot).PostAsync("?handler=Session", [])).AssertStatus(HttpStatusCode.Forbidden);
        Assert.Contains("unavailable", await (await app.Client().GetAsync($"/widget/{bot}")).TextAsync());
        var refused = await ws.Tenant.PostFormAsync("/bots", Http.Form(("Input.Name", "Another"), ("Input.Type", "Support")), htmx: false);
        Assert.Equal(HttpStatusCode.SeeOther, refused.StatusCode);
        Assert.Equal(1, await app.InTenantAsync(ws.TenantId, sp => sp.GetRequiredService<AppDbContext>().Chatbots.CountAsync()));
        Assert.Contains("paused because its bill is unpaid", await (await ws.Tenant.GetAsync("/bots")).TextAsync());
        (await ws.BillingPostAsync("Redeem", ("code", "WELCOME2026"))).AssertStatus(HttpStatusCode.OK);

        // Refunds (case 16): Stripe sends the refunded total, so a partial and a full refund in either order end refunded.
        var intent = invoice["payments"]!["data"]![0]!["payment"]!["payment_intent"]!.GetValue<string>();
        JsonObject Charge(long refunded) => new() { ["id"] = stripe.NewId("ch"), ["object"] = "charge", ["customer"] = sub.Customer, ["payment_intent"] = intent,
            ["amount"] = 2900, ["amount_refunded"] = refunded, ["refunded"] = refunded == 2900, ["currency"] = "usd" };
        (await DeliverAsync(stripe.Event("charge.refunded", Charge(2900)))).AssertStatus(HttpStatusCode.OK);
        (await DeliverAsync(stripe.Event("charge.refunded", Charge(1000)))).AssertStatus(HttpStatusCode.OK);
        var refunded = (await app.BooksAsync(ws.TenantId)).Payments.Single(p => p.PaymentIntentId == intent);
        Assert.Equal((PaymentStatus.Refunded, 29m), (refunded.Status, refunded.RefundedAmount));
        Assert.Contains("Refunded", await (await ws.Tenant.GetAsync("/billing")).TextAsync());

        // Stripe ends the unpaid subscription; a late "updated" snapshot (still past due) arrives after the deletion.
        var stale = stripe.SubscriptionJson(sub);
        sub.Status = "canceled";
        (await DeliverAsync(stripe.Event("customer.subscription.deleted", stripe.SubscriptionJson(sub)))).AssertStatus(HttpStatusCode.OK);
        (await DeliverAsync(stripe.Event("customer.subscription.updated", stale))).AssertStatus(HttpStatusCode.OK);
        books = await app.BooksAsync(ws.TenantId);
        Assert.Equal((PlanCatalog.Free, SubscriptionStatus.Active), (books.Current.Plan!.Code, books.Current.Status));
        (await new WidgetClient(app, bot).PostAsync("?handler=Session", [])).AssertStatus(HttpStatusCode.OK); // on Free the widget answers again; nothing was deleted
        Assert.Empty(stripe.Violations);
    }
}

public sealed class StripeBillingTests_Sqlite(FakeStripe stripe) : StripeBillingTests<SqliteApp>(stripe);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class StripeBillingTests_Postgres(FakeStripe stripe) : StripeBillingTests<PostgresApp>(stripe);
