using Parley.Features.Plans;
using Parley.Infrastructure;

namespace Parley.Features.Billing;

/// <summary>
/// The test-mode checkout (no Stripe key configured): the order as Stripe Checkout would show it, clearly labelled, with
/// a card that pays and one that is declined. Paying changes the plan on this installation only.
/// </summary>
[TenantHost, Authorize(Policy = Policies.Owner)]
public class CheckoutModel(BillingService ledger, IBillingGateway gateway) : PageModel
{
    public Plan Plan { get; private set; } = null!;
    public List<CheckoutItem> Items { get; private set; } = [];
    public decimal Total => Plan.MonthlyPrice + Items.Sum(i => i.AddOn.MonthlyPrice * i.Quantity);
    public string Operation { get; private set; } = "";
    public string? Error { get; private set; }

    private async Task<bool> LoadAsync(string? plan, string[]? addon, string? op, CancellationToken ct)
    {
        var found = (await ledger.PlansAsync(ct)).FirstOrDefault(p => p.Code == plan && p.MonthlyPrice > 0);
        if (found is null || gateway is not TestModeGateway { Allowed: true } || string.IsNullOrEmpty(op) || op.Length > 64 || !op.All(char.IsAsciiLetterOrDigit)) return false;
        Plan = found;
        Operation = op;
        var all = await ledger.AddOnsAsync(ct);
        Items = (addon ?? []).Select(a => a.Split(':')).Select(p => (AddOn: all.FirstOrDefault(x => x.Code == p[0]), Quantity: p.Length > 1 && int.TryParse(p[1], out var q) ? q : 1))
            .Where(x => x.AddOn is not null).DistinctBy(x => x.AddOn!.Id)
            .Select(x => new CheckoutItem(x.AddOn!, Math.Clamp(x.Quantity, 1, x.AddOn!.Stackable ? 20 : 1))).ToList();
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string? plan, string[]? addon, string? op, CancellationToken ct) =>
        await LoadAsync(plan, addon, op, ct) ? Page() : Redirect("/billing");

    public async Task<IActionResult> OnPostAsync(string? plan, string[]? addon, string? op, bool declined, CancellationToken ct)
    {
        if (!await LoadAsync(plan, addon, op, ct)) return Redirect("/billing");
        Error = await ((TestModeGateway)gateway).CompleteCheckoutAsync(Plan, Items, declined, Operation, ct);
        if (Error is null) return this.RedirectAfterPost("/billing?checkout=paid");
        Response.StatusCode = StatusCodes.Status402PaymentRequired;
        return Page();
    }
}
