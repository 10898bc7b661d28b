using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Workspaces;

namespace Parley.Features.Billing;

internal sealed class AddOnMapping : IEntityTypeConfiguration<AddOn>
{
    public void Configure(EntityTypeBuilder<AddOn> e)
    {
        e.HasIndex(x => x.Code).IsUnique();
        e.Property(x => x.Code).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Description).HasMaxLength(500);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.MonthlyPrice).HasPrecision(10, 2);
    }
}

internal sealed class AddOnPurchaseMapping : IEntityTypeConfiguration<AddOnPurchase>
{
    public void Configure(EntityTypeBuilder<AddOnPurchase> e)
    {
        e.HasIndex(x => new { x.TenantId, x.Active });
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.PricePaid).HasPrecision(10, 2);
        e.Property(x => x.StripeItemId).HasMaxLength(100);
        e.HasOne(x => x.AddOn).WithMany().HasForeignKey(x => x.AddOnId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PromotionMapping : IEntityTypeConfiguration<Promotion>
{
    public void Configure(EntityTypeBuilder<Promotion> e)
    {
        e.HasIndex(x => x.Code).IsUnique();
        e.Property(x => x.Code).HasMaxLength(50);
        e.Property(x => x.ShareText).HasMaxLength(300);
        e.Property(x => x.Audience).HasConversion<string>().HasMaxLength(30);
    }
}

internal sealed class BonusMapping : IEntityTypeConfiguration<Bonus>
{
    public void Configure(EntityTypeBuilder<Bonus> e)
    {
        // A promotion is redeemed once per workspace; a referral rewards its referrer once per new workspace.
        e.HasIndex(x => new { x.TenantId, x.Key }).IsUnique();
        e.Property(x => x.Key).HasMaxLength(60);
        e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Note).HasMaxLength(300);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PaymentMapping : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> e)
    {
        e.HasIndex(x => x.InvoiceId).IsUnique();
        e.HasIndex(x => new { x.TenantId, x.CreatedAt });
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Amount).HasPrecision(10, 2);
        e.Property(x => x.RefundedAmount).HasPrecision(10, 2);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Description).HasMaxLength(300);
        e.Property(x => x.InvoiceId).HasMaxLength(100);
        e.Property(x => x.PaymentIntentId).HasMaxLength(100);
        e.Property(x => x.InvoiceUrl).HasMaxLength(1000);
        e.Property(x => x.FailureCode).HasMaxLength(100);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BillingEventMapping : IEntityTypeConfiguration<BillingEvent>
{
    public void Configure(EntityTypeBuilder<BillingEvent> e)
    {
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(100);
        e.Property(x => x.Type).HasMaxLength(100);
        e.HasIndex(x => x.ReceivedAt);
    }
}
