using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Accounts;

namespace Parley.Features.Workspaces;

// How Workspaces entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class TenantMapping : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> e)
    {
        e.HasIndex(t => t.Slug).IsUnique();
        e.Property(t => t.Slug).HasMaxLength(40);
        e.Property(t => t.Name).HasMaxLength(100);
        e.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(t => t.StripeCustomerId).HasMaxLength(100);
        e.HasIndex(t => t.StripeCustomerId);
        e.Property(t => t.ReferralCode).HasMaxLength(20);
        e.HasIndex(t => t.ReferralCode).IsUnique();
        e.Property(t => t.CacheVersion).HasDefaultValue(0L);
    }
}

internal sealed class SlugRedirectMapping : IEntityTypeConfiguration<SlugRedirect>
{
    public void Configure(EntityTypeBuilder<SlugRedirect> e)
    {
        e.HasKey(r => r.OldSlug);
        e.Property(r => r.OldSlug).HasMaxLength(40);
        e.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MembershipMapping : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> e)
    {
        e.HasIndex(m => new { m.TenantId, m.UserId }).IsUnique();
        e.HasIndex(m => m.UserId);
        e.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        e.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
