using Parley.Features.Plans;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Billing;

public enum AddOnKind { RemoveBranding, ExtraMessages, ExtraBots }
public enum PaymentKind { Subscription, AddOn, Proration }
public enum PaymentStatus { Paid, Failed, Refunded, PartiallyRefunded }
public enum BonusReason { Promotion, ReferralJoined, ReferralReward }
public enum PromotionAudience { NewWorkspaces, ExistingWorkspaces, All }

/// <summary>Something bought beside a plan (seed 000's add_ons): a monthly price and what it grants per unit.</summary>
public class AddOn
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public AddOnKind Kind { get; set; }
    public decimal MonthlyPrice { get; set; }
    /// <summary>What one unit grants: messages a month for ExtraMessages, bots for ExtraBots; RemoveBranding grants the switch.</summary>
    public int Grants { get; set; }
    /// <summary>Whether a workspace may hold several (extra messages, extra bots) or one at most (remove branding).</summary>
    public bool Stackable { get; set; }
    public int SortOrder { get; set; }
    public PlanStatus Status { get; set; } = PlanStatus.Enabled;
}

/// <summary>One add-on unit a workspace holds (seed 000's user_addons_purchased): what it granted and cost when bought.</summary>
public class AddOnPurchase : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid AddOnId { get; set; }
    public AddOn? AddOn { get; set; }
    public Guid SubscriptionId { get; set; }
    public AddOnKind Kind { get; set; }
    public int Grants { get; set; }
    public decimal PricePaid { get; set; }
    public DateTimeOffset PurchasedAt { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>The Stripe subscription item that bills this unit (quantity counts the units of one add-on).</summary>
    public string? StripeItemId { get; set; }
}

/// <summary>A code that grants bonus messages and pages (seed 000's promotion_referral), for new, existing or all workspaces.</summary>
public class Promotion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public string ShareText { get; set; } = "";
    public int BonusMessages { get; set; }
    public int BonusPages { get; set; }
    /// <summary>How long the bonus lasts after it is granted; null: until the workspace ends.</summary>
    public int? ValidDays { get; set; }
    public PromotionAudience Audience { get; set; } = PromotionAudience.All;
    public bool Active { get; set; } = true;
    /// <summary>The promotion behind referral links: the new workspace's welcome and the referrer's reward.</summary>
    public bool IsReferral { get; set; }
    public int ReferrerBonusMessages { get; set; }
    public int ReferrerBonusPages { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// Bonus messages a month and pages a workspace holds (seed 000's bonus columns and user_refferals), each with its reason
/// and expiry; they add to the plan's limits until they expire.
/// </summary>
public class Bonus : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public BonusReason Reason { get; set; }
    public Guid? PromotionId { get; set; }
    /// <summary>Unique per workspace, so a bonus is granted once: "promotion:{id}", "joined", "reward:{referred tenant id}".</summary>
    public required string Key { get; set; }
    /// <summary>The other workspace of a referral: who referred this one (joined) or whom this one referred (reward).</summary>
    public Guid? ReferralTenantId { get; set; }
    public int Messages { get; set; }
    public int Pages { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string Note { get; set; } = "";

    /// <summary>A bonus granted now from a promotion: its expiry is the promotion's validity.</summary>
    public static Bonus Of(Promotion promo, BonusReason reason, string key, int messages, int pages, DateTimeOffset now, Guid? otherTenant, string note) => new()
    {
        Reason = reason, Key = key, Messages = messages, Pages = pages, GrantedAt = now, ExpiresAt = promo.ValidDays is { } d ? now.AddDays(d) : null,
        PromotionId = promo.Id, ReferralTenantId = otherTenant, Note = note,
    };
}

/// <summary>A charge, refund or failed attempt (seed 000's user_billing), as the payment provider reported it.</summary>
public class Payment : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public PaymentKind Kind { get; set; }
    public PaymentStatus Status { get; set; }
    public decimal Amount { get; set; }
    public decimal RefundedAmount { get; set; }
    public string Currency { get; set; } = "usd";
    public string Description { get; set; } = "";
    /// <summary>The provider's invoice id ("in_…", or "test_in_…" for test mode): one row per invoice.</summary>
    public required string InvoiceId { get; set; }
    public string? PaymentIntentId { get; set; }
    public string? InvoiceUrl { get; set; }
    public string? FailureCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A Stripe event taken in (its id once): a repeat delivery finds the row and changes nothing.</summary>
public class BillingEvent
{
    public required string Id { get; set; }
    public required string Type { get; set; }
    public Guid? TenantId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>What a workspace holds right now, read together and cached per workspace version.</summary>
public sealed class BillingSnapshot
{
    public Subscription Subscription { get; set; } = new();
    public Plan Plan { get; set; } = null!;
    public List<AddOnPurchase> AddOns { get; set; } = [];
    public List<Bonus> Bonuses { get; set; } = [];
}
