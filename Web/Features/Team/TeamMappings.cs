using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Workspaces;

namespace Parley.Features.Team;

// How Team entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class InvitationMapping : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> e)
    {
        e.HasIndex(i => i.TokenHash).IsUnique();
        e.HasIndex(i => new { i.TenantId, i.Email });
        e.Property(i => i.Email).HasMaxLength(256);
        e.Property(i => i.TokenHash).HasMaxLength(64);
        e.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
        e.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(i => i.BotIds).HasMaxLength(2000).HasDefaultValue("");
        e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
