using Parley.Features.Billing;
using Parley.Features.Plans;

namespace Parley.Tests.Features.Billing;

/// <summary>A plan's life in time (trial, reminders, renewals, cancellation at period end) and who may see Billing.</summary>
public abstract class BillingLifecycleTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task A_trial_from_the_plans_page_has_the_plan_s_limits_reminds_twice_and_ends_on_free()
    {
        var landing = await (await app.Client().GetAsync("/")).BodyAsync();
        Assert.Contains("href=\"/signup?plan=gold\"", landing);
        // Features listed are features that exist: the API on Silver and up, webhooks and Slack on Gold and up.
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(landing, "REST API with keys").Count);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(landing, "Slack notifications").Count);
        Assert.Contains("100 pages of knowledge", landing);
        Assert.Contains("14-day Gold trial", await (await app.Client().GetAsync("/signup?plan=gold")).TextAsync());

        var slug = Workspaces.UniqueSlug("trial");
        var root = app.Client();
        await root.PostFormAsync("/signup?plan=gold", "/signup", Http.Form(("Input.FullName", "Tri Al"), ("Input.Email", $"{slug}@example.test"),
            ("Input.Password", Workspaces.Password), ("Input.WorkspaceName", "Trial"), ("Input.Slug", slug), ("Input.Plan", "gold")));
        var id = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync());
        var books = await app.BooksAsync(id);
        Assert.Equal((PlanCatalog.Gold, SubscriptionStatus.Trialing, false), (books.Current.Plan!.Code, books.Current.Status, books.Current.Paid));
        Assert.Equal(5, books.Limits.Bots);
        Assert.InRange(books.Current.TrialEnd!.Value, DateTimeOffset.UtcNow.AddDays(13.9), DateTimeOffset.UtcNow.AddDays(14.1));

        async Task TrialEndsIn(TimeSpan left) => await app.UpdateSubscriptionAsync(id, u => u.SetProperty(s => s.TrialEnd, DateTimeOffset.UtcNow + left));
        await app.SweepAsync(id);
        Assert.Equal(0, await app.Mail.CountAsync($"{slug}@example.test", "trial ends"));
        await TrialEndsIn(TimeSpan.FromDays(2.5));
        await app.SweepAsync(id);
        await app.SweepAsync(id);
        await app.Mail.WaitForAsync($"{slug}@example.test", "Your Gold trial ends on");
        await TrialEndsIn(TimeSpan.FromHours(20));
        await app.SweepAsync(id);
        await app.Mail.WaitForAsync($"{slug}@example.test", "Your Gold trial ends tomorrow");
        var owner = await app.SignInAsync(slug, $"{slug}@example.test");
        Assert.Contains("The Gold trial ends on", await (await owner.GetAsync("/dashboard")).TextAsync());

        await TrialEndsIn(TimeSpan.FromMinutes(-1));
        // Even before the sweep runs, the limits in force are Free's.
        Assert.Equal(1, (await app.BooksAsync(id)).Limits.Bots);
        await app.SweepAsync(id);
        books = await app.BooksAsync(id);
        Assert.Equal((PlanCatalog.Free, SubscriptionStatus.Active), (books.Current.Plan!.Code, books.Current.Status));
        await app.Mail.WaitForAsync($"{slug}@example.test", "Your Gold trial has ended");
        Assert.Equal(2, await app.Mail.CountAsync($"{slug}@example.test", "trial ends"));
    }

    [Fact]
    public async Task Test_mode_renews_each_period_once_and_a_cancelled_plan_ends_on_free_with_its_reason_kept()
    {
        var ws = await app.SignUpAsync();
        await ws.CheckoutAsync(PlanCatalog.Silver, false, BillingCatalog.ExtraBot);
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.CurrentPeriodEnd, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await app.SweepAsync(ws.TenantId);
        await app.SweepAsync(ws.TenantId);
        var books = await app.BooksAsync(ws.TenantId);
        var renewal = Assert.Single(books.Payments, p => p.InvoiceId.StartsWith("test_in_renew_"));
        Assert.Equal(29m + 9m, renewal.Amount);
        Assert.True(books.Current.CurrentPeriodEnd > DateTimeOffset.UtcNow.AddDays(27));

        var noReason = await ws.BillingPostAsync("Cancel", ("reason", ""));
        Assert.Contains("Tell us why", await noReason.TextAsync());
        var cancelled = await ws.BillingPostAsync("Cancel", ("reason", "Too expensive"), ("comment", "Budget cut"));
        Assert.Contains("Silver ends on", await cancelled.TextAsync());
        Assert.Contains("Keep Silver", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
        (await ws.BillingPostAsync("Resume")).AssertStatus(HttpStatusCode.OK);
        Assert.False((await app.BooksAsync(ws.TenantId)).Current.CancelAtPeriodEnd);
        await ws.BillingPostAsync("Cancel", ("reason", "Too expensive"), ("comment", "Budget cut"));
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.CurrentPeriodEnd, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await app.SweepAsync(ws.TenantId);
        books = await app.BooksAsync(ws.TenantId);
        Assert.Equal(PlanCatalog.Free, books.Current.Plan!.Code);
        Assert.All(books.AddOns, a => Assert.False(a.Active));
        Assert.Single(books.Payments, p => p.InvoiceId.StartsWith("test_in_renew_"));
        var audit = await app.InTenantAsync(ws.TenantId, sp => sp.GetRequiredService<AppDbContext>().AuditLogs.Where(a => a.Action.StartsWith("billing.")).Select(a => a.Action + " " + a.NewValues).ToListAsync());
        Assert.Contains(audit, a => a.StartsWith("billing.cancelled") && a.Contains("Too expensive: Budget cut"));
        Assert.Contains(audit, a => a.StartsWith("billing.ended"));
    }

    [Fact]
    public async Task Billing_is_the_owner_s_alone()
    {
        var ws = await app.SignUpAsync();
        var admin = await app.AddMemberAsync(ws.TenantId, Parley.Features.Workspaces.Role.Admin);
        var client = await app.SignInAsync(ws.Slug, admin);
        var response = await client.GetAsync("/billing");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("href=\"/billing\"", await (await client.GetAsync("/dashboard")).BodyAsync());
        Assert.Contains("href=\"/billing\"", await (await ws.Tenant.GetAsync("/dashboard")).BodyAsync());
    }
}

public sealed class BillingLifecycleTests_Sqlite(SqliteApp app) : BillingLifecycleTests<SqliteApp>(app)
{
    [Fact]
    public async Task Without_stripe_and_without_test_checkout_billing_says_payments_are_not_set_up_and_gives_no_plan_away()
    {
        await using var off = new SqliteApp { Settings = new() { ["Parley:Billing:Stripe:TestCheckout"] = "false" } };
        await off.InitializeAsync();
        var ws = await off.SignUpAsync();
        Assert.Contains("Payments are not set up on this installation yet", await (await ws.Tenant.GetAsync("/billing")).TextAsync());
        var refused = await ws.BillingPostAsync("Checkout", ("plan", PlanCatalog.Gold));
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Redirect, (await ws.Tenant.GetAsync("/billing/checkout?plan=gold&op=abc")).StatusCode);
        Assert.Equal(PlanCatalog.Free, (await off.BooksAsync(ws.TenantId)).Current.Plan!.Code);
    }
}

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class BillingLifecycleTests_Postgres(PostgresApp app) : BillingLifecycleTests<PostgresApp>(app);
