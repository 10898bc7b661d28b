using Parley.Features.Audit;
using Parley.Features.Plans;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;
using Microsoft.Extensions.Options;

namespace Parley.Features.Billing;

/// <summary>
/// The Owner's Billing page: plan, status and period, usage against the limits in force, plan changes with a proration
/// preview, add-ons, promotion codes, the referral link and its rewards, payments with invoice links, cancellation.
/// Every form carries an operation id (made when the page was drawn) that becomes the payment provider's idempotency key.
/// </summary>
[TenantHost, Authorize(Policy = Policies.Owner)]
public class IndexModel(BillingService ledger, IBillingGateway gateway, BillingUsage usage, PlanLimitsReader reader, AppDbContext db, AuditTrail audit,
    ITenantContext tenant, IOptions<ParleyOptions> options, TimeProvider clock, ILogger<IndexModel> log) : PageModel
{
    public Subscription Current { get; private set; } = null!;
    public List<Plan> Plans { get; private set; } = [];
    public List<AddOn> AddOns { get; private set; } = [];
    public Dictionary<Guid, int> Held { get; private set; } = [];
    public List<Bonus> Bonuses { get; private set; } = [];
    public List<Payment> Payments { get; private set; } = [];
    public UsageFigures Usage { get; private set; } = null!;
    public PlanLimits Limits { get; private set; } = new();
    public string ReferralLink { get; private set; } = "";
    public Promotion? Referral { get; private set; }
    public bool TestMode => gateway.TestMode;
    /// <summary>No Stripe key and no test checkout (Production): payments are not set up.</summary>
    public bool PaymentsOff => gateway is TestModeGateway { Allowed: false };
    public bool Locked { get; private set; }
    public string Operation { get; } = Guid.NewGuid().ToString("N");
    public DateTimeOffset Now => clock.GetUtcNow();
    public string? Message { get; set; }
    public string? Error { get; set; }
    public ChangePreview? Preview { get; private set; }
    public Plan? PreviewPlan { get; private set; }

    public async Task OnGetAsync(string? checkout, CancellationToken ct)
    {
        if (checkout == "cancelled") Message = "Checkout was cancelled; nothing changed.";
        else if (checkout == "paid") Message = "Thank you: the payment went through and the plan is in force.";
        else if (checkout?.StartsWith("cs_") == true && !gateway.TestMode) await ConfirmCheckoutAsync(checkout, ct);
        await LoadAsync(ct);
    }

    /// <summary>Back from Stripe Checkout: the session is read and applied now, so the page is right even before the webhook arrives.</summary>
    private async Task ConfirmCheckoutAsync(string sessionId, CancellationToken ct)
    {
        try
        {
            var stripe = HttpContext.RequestServices.GetRequiredService<Stripe.IStripeClient>();
            var session = await new Stripe.Checkout.SessionService(stripe).GetAsync(sessionId, cancellationToken: ct);
            if (session.ClientReferenceId != tenant.TenantId.ToString() || session.SubscriptionId is null) return;
            await HttpContext.RequestServices.GetRequiredService<StripeSync>().ApplySessionAsync(session, tenant.TenantId!.Value, ct);
            Message = "Thank you: the payment went through and the plan is in force.";
        }
        catch (Stripe.StripeException e)
        {
            log.LogWarning(e, "Could not confirm checkout {Session}", sessionId);
            Message = "Thank you. Stripe is confirming the payment; this page shows the new plan within a minute.";
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Current = (await ledger.CurrentAsync(ct))!;
        Plans = await ledger.PlansAsync(ct);
        AddOns = await ledger.AddOnsAsync(ct);
        Held = await db.AddOnPurchases.Where(a => a.Active).GroupBy(a => a.AddOnId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Bonuses = await db.Bonuses.AsNoTracking().OrderByDescending(b => b.GrantedAt).ToListAsync(ct);
        Payments = await db.Payments.AsNoTracking().OrderByDescending(p => p.CreatedAt).Take(50).ToListAsync(ct);
        Limits = await reader.LimitsAsync(ct);
        Locked = PlanLimitsReader.IsLocked(Current, clock.GetUtcNow());
        Usage = await usage.ReadAsync(ct);
        Referral = await db.Promotions.AsNoTracking().FirstOrDefaultAsync(p => p.IsReferral && p.Active, ct);
        ReferralLink = $"{TenantHosts.RootUrl(options.Value)}/signup?ref={await ledger.ReferralCodeAsync(ct)}";
    }

    private async Task<IActionResult> Done(string? message, string? error, CancellationToken ct)
    {
        (Message, Error) = (message, error);
        await LoadAsync(ct);
        Response.StatusCode = error is null ? 200 : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>Runs a provider call; a refusal or an unreachable Stripe becomes a sentence on the page, never a 500.</summary>
    private async Task<string?> Try(Func<Task> call)
    {
        try { await call(); return null; }
        catch (BillingRefused e) { return e.Message; }
        catch (Stripe.StripeException e)
        {
            log.LogWarning(e, "Stripe refused a billing request");
            return $"Stripe could not do this: {e.StripeError?.Message ?? e.Message}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !HttpContext.RequestAborted.IsCancellationRequested)
        {
            log.LogWarning(e, "Stripe could not be reached");
            return "Stripe could not be reached just now. Nothing changed; try again in a minute.";
        }
    }

    public async Task<IActionResult> OnPostCheckoutAsync(string plan, string[]? addons, string op, CancellationToken ct)
    {
        var target = (await ledger.PlansAsync(ct)).FirstOrDefault(p => p.Code == plan && p.MonthlyPrice > 0);
        if (target is null) return await Done(null, "Choose one of the paid plans.", ct);
        // A second checkout would start a second subscription: a paid plan changes with Upgrade/Downgrade instead.
        if ((await ledger.CurrentAsync(ct))?.Paid == true) return await Done(null, "This workspace already has a paid plan. Change it with Upgrade or Downgrade.", ct);
        var all = await ledger.AddOnsAsync(ct);
        var items = (addons ?? []).Select(c => all.FirstOrDefault(a => a.Code == c)).OfType<AddOn>().Distinct().Select(a => new CheckoutItem(a, 1)).ToList();
        string url = "";
        var error = await Try(async () => url = await gateway.CheckoutUrlAsync(target, items, op, ct));
        return error is null ? this.RedirectAfterPost(url) : await Done(null, error, ct);
    }

    public async Task<IActionResult> OnPostPreviewAsync(string plan, CancellationToken ct)
    {
        await LoadAsync(ct);
        PreviewPlan = Plans.FirstOrDefault(p => p.Code == plan);
        if (PreviewPlan is null || PreviewPlan.Id == Current.PlanId) return await Done(null, "Choose another plan.", ct);
        if (PreviewPlan.MonthlyPrice < Current.Plan!.MonthlyPrice && await ledger.DowngradeProblemAsync(PreviewPlan, ct) is { } problem)
            return await Done(null, problem, ct);
        var error = await Try(async () => Preview = await gateway.PreviewChangeAsync(Current, PreviewPlan, ct));
        return error is null ? Page() : await Done(null, error, ct);
    }

    public async Task<IActionResult> OnPostChangeAsync(string plan, string op, CancellationToken ct)
    {
        var current = await ledger.CurrentAsync(ct);
        var target = (await ledger.PlansAsync(ct)).FirstOrDefault(p => p.Code == plan);
        if (current is null || target is null || target.Id == current.PlanId) return await Done(null, "Choose another plan.", ct);
        if (!current.Paid || target.MonthlyPrice == 0)
            return await Done(null, target.MonthlyPrice == 0 ? "To move to Free, cancel the plan below: it stays until the end of the period you paid for." : "Check out to start a paid plan.", ct);
        if (await ledger.DowngradeProblemAsync(target, ct) is { } problem) return await Done(null, problem, ct);
        var error = await Try(() => gateway.ChangePlanAsync(current, target, op, ct));
        return await Done(error is null ? $"You are on {target.Name} now." : null, error, ct);
    }

    public async Task<IActionResult> OnPostAddOnAsync(string code, int quantity, string op, CancellationToken ct)
    {
        var addOn = (await ledger.AddOnsAsync(ct)).FirstOrDefault(a => a.Code == code);
        var current = await ledger.CurrentAsync(ct);
        if (addOn is null || current is null) return await Done(null, "Choose an add-on.", ct);
        if (!current.Paid) return await Done(null, "Add-ons come with a paid plan. Choose a plan first.", ct);
        quantity = Math.Clamp(quantity, 1, addOn.Stackable ? 20 : 1);
        var error = await Try(() => gateway.BuyAddOnAsync(current, addOn, quantity, op, ct));
        return await Done(error is null ? $"{addOn.Name} added." : null, error, ct);
    }

    public async Task<IActionResult> OnPostRemoveAddOnAsync(string code, string op, CancellationToken ct)
    {
        var addOn = (await ledger.AddOnsAsync(ct)).FirstOrDefault(a => a.Code == code);
        var current = await ledger.CurrentAsync(ct);
        if (addOn is null || current is null) return await Done(null, "Choose an add-on.", ct);
        var held = await db.AddOnPurchases.CountAsync(a => a.Active && a.AddOnId == addOn.Id, ct);
        if (held == 0) return await Done(null, $"{addOn.Name} is not on this workspace.", ct);
        var error = await Try(() => gateway.RemoveAddOnAsync(current, addOn, held - 1, op, ct));
        return await Done(error is null ? $"{(held > 1 ? "One " : "")}{addOn.Name} removed." : null, error, ct);
    }

    public async Task<IActionResult> OnPostRedeemAsync(string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code)) return await Done(null, "Enter a promotion code.", ct);
        var problem = await ledger.RedeemAsync(code, ct);
        if (problem is null)
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { problem = "This workspace has already redeemed that code."; }
        return await Done(problem is null ? $"{code.Trim().ToUpperInvariant()} redeemed: the bonus is in your limits now." : null, problem, ct);
    }

    public async Task<IActionResult> OnPostCancelAsync(string? reason, string? comment, string op, CancellationToken ct)
    {
        var current = await ledger.CurrentAsync(ct);
        if (current is null || !current.Paid) return await Done(null, "There is no paid plan to cancel.", ct);
        if (string.IsNullOrWhiteSpace(reason)) return await Done(null, "Tell us why you are cancelling: it helps us improve.", ct);
        var why = string.IsNullOrWhiteSpace(comment) ? reason.Trim() : $"{reason.Trim()}: {comment.Trim()}";
        if (why.Length > 500) why = why[..500];
        var error = await Try(() => gateway.CancelAsync(current, why, op, ct));
        if (error is null) { audit.Record("billing.cancelled", "Subscription", current.Id.ToString(), current.Plan!.Name, null, new { Reason = why }); await db.SaveChangesAsync(ct); }
        return await Done(error is null ? $"{current.Plan!.Name} ends on {current.CurrentPeriodEnd:d MMMM yyyy}; until then nothing changes." : null, error, ct);
    }

    public async Task<IActionResult> OnPostResumeAsync(string op, CancellationToken ct)
    {
        var current = await ledger.CurrentAsync(ct);
        if (current is null || !current.CancelAtPeriodEnd) return await Done(null, "The plan is not set to end.", ct);
        var error = await Try(() => gateway.ResumeAsync(current, op, ct));
        if (error is null) { audit.Record("billing.resumed", "Subscription", current.Id.ToString(), current.Plan!.Name); await db.SaveChangesAsync(ct); }
        return await Done(error is null ? $"{current.Plan!.Name} continues; it renews on {current.CurrentPeriodEnd:d MMMM yyyy}." : null, error, ct);
    }

    public async Task<IActionResult> OnPostPortalAsync(CancellationToken ct)
    {
        string? url = null;
        var error = await Try(async () => url = await gateway.PortalUrlAsync($"{TenantHosts.Url(options.Value, tenant.Tenant!.Slug)}/billing", ct));
        if (error is null && url is null) error = "Cards and invoices are managed in Stripe, which this installation does not use (test mode).";
        return error is null ? this.RedirectAfterPost(url!) : await Done(null, error, ct);
    }
}
