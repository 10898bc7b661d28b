using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Accounts;
using Parley.Features.Workspaces;

namespace Parley.Features.Bots;

// How Bots entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class ChatbotMapping : IEntityTypeConfiguration<Chatbot>
{
    public void Configure(EntityTypeBuilder<Chatbot> e)
    {
        e.HasIndex(c => c.PublicId).IsUnique();
        e.HasIndex(c => c.TenantId);
        e.Property(c => c.PublicId).HasMaxLength(40);
        e.Property(c => c.Name).HasMaxLength(100);
        e.Property(c => c.Description).HasMaxLength(500);
        e.Property(c => c.SettingsVersion).HasDefaultValue(0L);
        e.Property(c => c.LastRefusedOrigin).HasMaxLength(300);
        e.Property(c => c.Type).HasConversion<string>().HasMaxLength(30);
        e.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(c => c.TrainingStatus).HasConversion<string>().HasMaxLength(20);
        e.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BotAssignmentMapping : IEntityTypeConfiguration<BotAssignment>
{
    public void Configure(EntityTypeBuilder<BotAssignment> e)
    {
        e.HasIndex(a => new { a.ChatbotId, a.UserId }).IsUnique();
        e.HasIndex(a => new { a.TenantId, a.UserId });
        e.HasOne<Chatbot>().WithMany().HasForeignKey(a => a.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<AppUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
