using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Workspaces;

namespace Parley.Features.Audit;

// How Audit entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class AuditLogMapping : IEntityTypeConfiguration<AuditLog>
{
    public void Configure(EntityTypeBuilder<AuditLog> e)
    {
        e.HasIndex(a => new { a.TenantId, a.Id });
        e.Property(a => a.UserEmail).HasMaxLength(256);
        e.Property(a => a.Action).HasMaxLength(100);
        e.Property(a => a.EntityType).HasMaxLength(50);
        e.Property(a => a.EntityId).HasMaxLength(64);
        e.Property(a => a.Target).HasMaxLength(300);
        e.Property(a => a.IpAddress).HasMaxLength(64);
        e.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
