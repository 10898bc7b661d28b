using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Parley.Features.Accounts;
using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Features.Domains;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;
using Parley.Features.Plans;
using Parley.Features.Team;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Data;
using Parley.Infrastructure.Tenancy;
using System.Linq.Expressions;

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
