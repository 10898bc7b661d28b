using Hangfire;
using Microsoft.Extensions.Options;
using Parley.Features.Plans;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Billing;

public static class BillingSetup
{
    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<Stripe.IStripeClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            return new Stripe.StripeClient(apiKey: o.SecretKey ?? "sk_test_not_configured", apiBase: string.IsNullOrWhiteSpace(o.ApiBase) ? null : o.ApiBase.TrimEnd('/'));
        });
        builder.Services.AddScoped<BillingService>();
        builder.Services.AddScoped<BillingUsage>();
        builder.Services.AddScoped<StripeSync>();
        builder.Services.AddScoped<StripeEvents>();
        builder.Services.AddScoped<StripeGateway>();
        builder.Services.AddScoped<TestModeGateway>();
        builder.Services.AddScoped<IBillingGateway>(sp => sp.GetRequiredService<IOptions<StripeOptions>>().Value.Enabled
            ? sp.GetRequiredService<StripeGateway>() : sp.GetRequiredService<TestModeGateway>());
        builder.Services.AddScoped<BillingLockFilter>();
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.Filters.AddService<BillingLockFilter>());
        builder.Services.AddRecurringJob<BillingSweepJob>(BillingSweepJob.Id, j => j.RunAsync(CancellationToken.None), _ => "*/10 * * * *");
        return builder;
    }
}

/// <summary>
/// Every ten minutes, per workspace: reminder mails three days and one day before a trial ends, and the move to Free
/// when it has ended unpaid; in test mode (Stripe renews and ends its own subscriptions) the monthly renewal with its
/// test invoice, and the move to Free at the end of a cancelled period. Every step is a conditional write or keyed by
/// invoice id, so a sweep that runs twice, or on two instances, acts once.
/// </summary>
public sealed class BillingSweepJob(TenantScopes tenants, TimeProvider clock)
{
    public const string Id = "billing.sweep";

    [DisableConcurrentExecution(timeoutInSeconds: 60), JobDisplayName("Billing: trials, renewals, period ends")]
    public async Task RunAsync(CancellationToken ct) =>
        await tenants.ForEachAsync(Id, (sp, token) => SweepAsync(sp, token), ct);

    public async Task SweepAsync(IServiceProvider sp, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var ledger = sp.GetRequiredService<BillingService>();
        var now = clock.GetUtcNow();
        var sub = await ledger.CurrentAsync(ct);
        if (sub is null) return;
        var plan = sub.Plan!;
        if (sub.Status == SubscriptionStatus.Trialing && sub.TrialEnd is { } end)
        {
            if (end <= now)
            {
                await db.SaveAtomicallyAsync(async token =>
                {
                    await ledger.FallToFreeAsync($"The {plan.Name} trial ended", token);
                    await ledger.MailOwnerAsync($"Your {plan.Name} trial has ended",
                        $"Your workspace is on the Free plan now; everything you made is kept. Choose {plan.Name} on the Billing page to have its limits back.", "Choose a plan", "/billing", token);
                }, ct);
                return;
            }
            var due = (end - now).TotalDays <= 1 ? 2 : (end - now).TotalDays <= 3 ? 1 : 0;
            if (due > sub.TrialReminders && await db.Subscriptions.Where(s => s.Id == sub.Id && s.TrialReminders < due)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.TrialReminders, due), ct) == 1)
                await ledger.MailOwnerAsync($"Your {plan.Name} trial ends {(due == 2 ? "tomorrow" : $"on {end:d MMMM}")}",
                    $"Your workspace has {plan.Name}'s limits until {end:d MMMM yyyy HH:mm} UTC. Add a card on the Billing page to keep them; otherwise the workspace moves to Free, with everything you made kept.",
                    "Keep " + plan.Name, "/billing", ct);
            return;
        }
        if (sub.StripeSubscriptionId is not null || !sub.Paid || sub.CurrentPeriodEnd > now) return;
        await db.SaveAtomicallyAsync(async token =>
        {
            if (sub.CancelAtPeriodEnd) { await ledger.FallToFreeAsync($"{plan.Name} was cancelled: {sub.CancelReason}", token); return; }
            // Test mode renews like Stripe would: a new period and its (test) invoice, numbered by the period so it is taken once.
            var start = sub.CurrentPeriodEnd;
            var addOns = await db.AddOnPurchases.Where(a => a.Active).SumAsync(a => (double)a.PricePaid, token);
            sub.CurrentPeriodStart = start;
            sub.CurrentPeriodEnd = start.AddMonths(1);
            await ledger.RecordPaymentAsync(new PaymentReport($"test_in_renew_{sub.Id:N}_{start:yyyyMMdd}", PaymentKind.Subscription, PaymentStatus.Paid,
                plan.MonthlyPrice + (decimal)addOns, "usd", $"{plan.Name} plan, {start:d MMM} – {start.AddMonths(1):d MMM yyyy}", now, $"/billing/invoice/test_in_renew_{sub.Id:N}_{start:yyyyMMdd}"), token);
        }, ct);
        await ledger.AfterCommitAsync(ct);
    }
}
