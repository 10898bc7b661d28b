using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Plans;

public enum BillingCycle { Monthly, Yearly }
public enum PlanStatus { Enabled, Disabled, Deleted }
public enum SyncFrequency { Never, Monthly, Weekly, Daily }
public enum SubscriptionStatus { Trialing, Active, PastDue, Canceled, Unpaid }

/// <summary>The limits one plan grants. Owned by Plan and copied onto each Subscription.</summary>
public class PlanLimits
{
    public int Bots { get; set; }
    public int MessagesPerMonth { get; set; }
    public int Sources { get; set; }
    /// <summary>Pages indexed across the workspace (seed 000's pages_upto): a PDF page, a web page, a text or Q&amp;A each count one.</summary>
    public int Pages { get; set; }
    public int Seats { get; set; }
    public int FileSizeMb { get; set; }
    public bool ApiAccess { get; set; }
    public bool Webhooks { get; set; }
    public SyncFrequency AutoSync { get; set; }
    public bool Integrations { get; set; }
    public bool RemoveBranding { get; set; }
    /// <summary>The widget's footer may carry the customer's own mark (text, link, icon) beside or instead of Parley's.</summary>
    public bool CustomWatermark { get; set; }
    public int VisitorMessagesPerMinute { get; set; }
    public int HistoryRetentionDays { get; set; }
    public string AllowedModels { get; set; } = "";

    public PlanLimits Copy() => (PlanLimits)MemberwiseClone();
}

public class Plan
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public decimal MonthlyPrice { get; set; }
    public BillingCycle Cycle { get; set; } = BillingCycle.Monthly;
    public int TrialDays { get; set; }
    public PlanStatus Status { get; set; } = PlanStatus.Enabled;
    public int SortOrder { get; set; }
    public PlanLimits Limits { get; set; } = new();
}

public class Subscription : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid PlanId { get; set; }
    public Plan? Plan { get; set; }
    public SubscriptionStatus Status { get; set; } = SubscriptionStatus.Active;
    public DateTimeOffset CurrentPeriodStart { get; set; }
    public DateTimeOffset CurrentPeriodEnd { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>The limits at the time of purchase, so a plan edit never changes what a customer paid for.</summary>
    public PlanLimits Limits { get; set; } = new();
    public DateTimeOffset? TrialEnd { get; set; }
    /// <summary>Reminder mails sent before the trial ends (0, 1 = three days before, 2 = the day before).</summary>
    public int TrialReminders { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public string? CancelReason { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>When a payment first failed; the grace period runs from here.</summary>
    public DateTimeOffset? PastDueSince { get; set; }
    public string? StripeSubscriptionId { get; set; }
    /// <summary>Whether the plan was paid for (through Stripe or the test-mode checkout), as opposed to Free or a trial.</summary>
    public bool Paid { get; set; }
}
