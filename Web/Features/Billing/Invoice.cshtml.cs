using Parley.Infrastructure;

namespace Parley.Features.Billing;

/// <summary>A receipt for a test-mode invoice (Stripe's invoices link to Stripe's hosted page instead).</summary>
[TenantHost, Authorize(Policy = Policies.Owner)]
public class InvoiceModel(AppDbContext db) : PageModel
{
    public Payment Payment { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var found = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.InvoiceId == id, ct);
        if (found is null) return NotFound();
        Payment = found;
        return Page();
    }
}
