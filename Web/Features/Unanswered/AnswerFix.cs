using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Bots;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Unanswered;

/// <summary>A visitor question that was answered badly and has since been given an answer (a Q&amp;A source): it leaves the list.</summary>
public class AnswerFix : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    /// <summary>The visitor's question (a user message), by its internal id: once per question.</summary>
    public long QuestionMessageId { get; set; }
    public Guid SourceId { get; set; }
    public Guid? ResolvedBy { get; set; }
    public DateTimeOffset ResolvedAt { get; set; }
}

internal sealed class AnswerFixMapping : IEntityTypeConfiguration<AnswerFix>
{
    public void Configure(EntityTypeBuilder<AnswerFix> e)
    {
        e.HasIndex(x => new { x.TenantId, x.QuestionMessageId }).IsUnique();
        e.HasIndex(x => x.ChatbotId);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}
