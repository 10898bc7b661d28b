using Parley.Features.Billing;
using Parley.Features.Plans;

namespace Parley.Tests.Features.Billing;

/// <summary>What an Owner does on the Billing page and at the test-mode checkout, and what the tests read back.</summary>
public static class BillingSteps
{
    /// <summary>Chooses a plan (and add-ons) on Billing and pays (or is declined) at the test-mode checkout; returns the checkout's answer.</summary>
    public static async Task<HttpResponseMessage> CheckoutAsync(this SignedUp ws, string plan, bool declined = false, params string[] addOns)
    {
        var op = Guid.NewGuid().ToString("N");
        var fields = new List<(string, string)> { ("plan", plan), ("op", op) };
        fields.AddRange(addOns.Select(a => ("addons", a)));
        var chosen = await ws.Tenant.PostFormAsync("/billing", "/billing?handler=Checkout", Pairs(fields), htmx: false);
        var checkout = chosen.RedirectTarget() ?? throw new Xunit.Sdk.XunitException($"Checkout did not redirect: {(int)chosen.StatusCode} {await chosen.TextAsync()}");
        Assert.StartsWith("/billing/checkout?", checkout);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + checkout).Query);
        var pay = new List<(string, string)> { ("plan", query["plan"]!), ("op", query["op"]!), ("declined", declined ? "true" : "false") };
        pay.AddRange(query.TryGetValue("addon", out var a) ? a.Select(x => ("addon", x!)) : []);
        return await ws.Tenant.PostFormAsync(checkout, "/billing/checkout", Pairs(pay), htmx: false);
    }

    private static List<KeyValuePair<string, string>> Pairs(IEnumerable<(string Key, string Value)> fields) => fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).ToList();

    public static Task<HttpResponseMessage> BillingPostAsync(this SignedUp ws, string handler, params (string, string)[] fields) =>
        ws.Tenant.PostFormAsync("/billing", $"/billing?handler={handler}", Http.Form(fields.Append(("op", Guid.NewGuid().ToString("N"))).ToArray()), htmx: false);

    public sealed record Books(List<Subscription> Subscriptions, List<AddOnPurchase> AddOns, List<Payment> Payments, List<Bonus> Bonuses, PlanLimits Limits)
    {
        public Subscription Current => Subscriptions.Where(s => s.Status != SubscriptionStatus.Canceled).OrderByDescending(s => s.CreatedAt).First();
    }

    /// <summary>The workspace's billing rows and the limits in force, read inside the workspace.</summary>
    public static Task<Books> BooksAsync(this ParleyApp app, Guid tenantId) => app.InTenantAsync(tenantId, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        return new Books(
            await db.Subscriptions.AsNoTracking().Include(s => s.Plan).OrderBy(s => s.CreatedAt).ToListAsync(),
            await db.AddOnPurchases.AsNoTracking().Include(a => a.AddOn).ToListAsync(),
            await db.Payments.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(),
            await db.Bonuses.AsNoTracking().ToListAsync(),
            await sp.GetRequiredService<PlanLimitsReader>().LimitsAsync());
    });

    /// <summary>Runs work inside a workspace, as its jobs do.</summary>
    public static Task<T> InTenantAsync<T>(this ParleyApp app, Guid tenantId, Func<IServiceProvider, Task<T>> work) => app.ScopedAsync(async sp =>
    {
        var tenant = await sp.GetRequiredService<AppDbContext>().Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId);
        return await sp.GetRequiredService<Parley.Infrastructure.Jobs.TenantScopes>().RunAsync(tenant, work);
    });

    /// <summary>One billing sweep for the workspace, as the recurring job runs it.</summary>
    public static Task SweepAsync(this ParleyApp app, Guid tenantId) =>
        app.InTenantAsync(tenantId, async sp => { await ActivatorUtilities.CreateInstance<BillingSweepJob>(sp).SweepAsync(sp, CancellationToken.None); return 0; });
}
