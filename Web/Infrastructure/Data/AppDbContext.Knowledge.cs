using Parley.Features.Workspaces;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;

namespace Parley.Infrastructure.Data;

public partial class AppDbContext
{
    /// <summary>Passages: mapped here because PostgreSQL adds a generated full-text column (features map the rest beside them).</summary>
    private void ConfigureKnowledgeAndChat(ModelBuilder b)
    {
            b.Entity<Chunk>(e =>
            {
                e.HasIndex(c => new { c.ChatbotId, c.Id });
                e.HasIndex(c => new { c.SourceId, c.Index });
                e.HasIndex(c => c.TenantId);
                e.Property(c => c.Headings).HasMaxLength(1000);
                e.Property(c => c.Url).HasMaxLength(2048);
                e.Property(c => c.ContentHash).HasMaxLength(64);
                e.HasOne<Chatbot>().WithMany().HasForeignKey(c => c.ChatbotId).OnDelete(DeleteBehavior.Cascade);
                e.HasOne<Source>().WithMany().HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.Cascade);
            });
    }
}
