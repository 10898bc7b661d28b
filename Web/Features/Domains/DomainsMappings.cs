using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Workspaces;

namespace Parley.Features.Domains;

// How Domains entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class DomainMapping : IEntityTypeConfiguration<Domain>
{
    public void Configure(EntityTypeBuilder<Domain> e)
    {
        e.HasIndex(d => new { d.TenantId, d.Host }).IsUnique();
        e.Property(d => d.FailedChecks).HasDefaultValue(0);
        e.Property(d => d.Host).HasMaxLength(253);
        e.Property(d => d.VerificationToken).HasMaxLength(64);
        e.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(d => d.LastError).HasMaxLength(1000);
        e.HasOne<Tenant>().WithMany().HasForeignKey(d => d.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
