using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Bots;

namespace Parley.Features.Knowledge.Sources;

// How Sources entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class SourceMapping : IEntityTypeConfiguration<Source>
{
    public void Configure(EntityTypeBuilder<Source> e)
    {
        e.HasIndex(x => new { x.ChatbotId, x.CreatedAt });
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Title).HasMaxLength(500);
        e.Property(x => x.Url).HasMaxLength(2048);
        e.Property(x => x.BlobPath).HasMaxLength(500);
        e.Property(x => x.Error).HasMaxLength(2000);
        e.Property(x => x.FileName).HasMaxLength(255);
        e.Property(x => x.FileType).HasMaxLength(20);
        e.Property(x => x.IncludePaths).HasMaxLength(2000);
        e.Property(x => x.ExcludePaths).HasMaxLength(2000);
        e.Property(x => x.SizeBytes).HasDefaultValue(0L);
        e.Property(x => x.Excluded).HasDefaultValue(false);
        e.Property(x => x.MaxDepth).HasDefaultValue(0);
        e.Property(x => x.MaxPages).HasDefaultValue(0);
        e.Property(x => x.AutoSync).HasDefaultValue(false);
        e.Property(x => x.Attempts).HasDefaultValue(0);
        e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IngestionErrorMapping : IEntityTypeConfiguration<IngestionError>
{
    public void Configure(EntityTypeBuilder<IngestionError> e)
    {
        e.HasIndex(x => new { x.SourceId, x.Id });
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Step).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Message).HasMaxLength(2000);
        e.HasOne<Source>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SourcePageMapping : IEntityTypeConfiguration<SourcePage>
{
    public void Configure(EntityTypeBuilder<SourcePage> e)
    {
        e.HasIndex(x => new { x.SourceId, x.Url }).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Url).HasMaxLength(2048);
        e.Property(x => x.Title).HasMaxLength(500);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Reason).HasMaxLength(1000);
        e.Property(x => x.ContentHash).HasMaxLength(64);
        e.HasOne<Source>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IngestionEventMapping : IEntityTypeConfiguration<IngestionEvent>
{
    public void Configure(EntityTypeBuilder<IngestionEvent> e)
    {
        e.HasIndex(x => new { x.SourceId, x.Id });
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Step).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Message).HasMaxLength(2000);
        e.HasOne<Source>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
