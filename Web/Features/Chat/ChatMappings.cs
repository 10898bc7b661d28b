using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Bots;
using Parley.Features.Workspaces;

namespace Parley.Features.Chat;

// How Chat entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class VisitorMapping : IEntityTypeConfiguration<Visitor>
{
    public void Configure(EntityTypeBuilder<Visitor> e)
    {
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.HasIndex(x => new { x.TenantId, x.ChatbotId });
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Email).HasMaxLength(256);
        e.Property(x => x.Phone).HasMaxLength(50);
        e.Property(x => x.Language).HasMaxLength(35);
        e.Property(x => x.LeadFields).HasMaxLength(20000);
        e.HasIndex(x => new { x.TenantId, x.LeadAt });
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConversationMapping : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> e)
    {
        e.HasIndex(x => new { x.ChatbotId, x.LastMessageAt });
        e.HasIndex(x => new { x.VisitorId, x.LastMessageAt });
        // A workspace's widget (or playground) conversations by day (overview, analytics); the moments few conversations
        // have (waiting, escalated, first reply, resolved, rated) are indexed only where set.
        e.HasIndex(x => new { x.TenantId, x.Channel, x.CreatedAt });
        e.HasIndex(x => new { x.TenantId, x.WaitingSince }).HasFilter("\"WaitingSince\" IS NOT NULL");
        e.HasIndex(x => new { x.TenantId, x.EscalatedAt }).HasFilter("\"EscalatedAt\" IS NOT NULL");
        e.HasIndex(x => new { x.TenantId, x.FirstReplyAt }).HasFilter("\"FirstReplyAt\" IS NOT NULL");
        e.HasIndex(x => new { x.TenantId, x.ResolvedAt }).HasFilter("\"ResolvedAt\" IS NOT NULL");
        e.HasIndex(x => new { x.TenantId, x.RatedAt }).HasFilter("\"RatedAt\" IS NOT NULL");
        e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => new { x.TenantId, x.Status, x.LastMessageAt });
        // Defaults only let the schema script add the columns to existing rows; the model always sets them.
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20).HasDefaultValue(ConversationStatus.Open);
        e.Property(x => x.Responder).HasConversion<string>().HasMaxLength(20).HasDefaultValue(Responder.Bot);
        e.Property(x => x.Important).HasDefaultValue(false);
        e.Property(x => x.Tags).HasMaxLength(500).HasDefaultValue("");
        e.Property(x => x.RatingComment).HasMaxLength(1000);
        e.HasOne<Features.Accounts.AppUser>().WithMany().HasForeignKey(x => x.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.DomainHost).HasMaxLength(253);
        e.Property(x => x.PageUrl).HasMaxLength(2048);
        e.Property(x => x.PageTitle).HasMaxLength(300);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Visitor>().WithMany().HasForeignKey(x => x.VisitorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageMapping : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> e)
    {
        e.HasIndex(x => new { x.ConversationId, x.Id });
        e.HasIndex(x => x.PublicId).IsUnique();
        // New rows always carry a random id; the default only lets the schema script add the column to existing rows.
        e.Property(x => x.PublicId).HasDefaultValue(Guid.Empty);
        e.HasIndex(x => new { x.TenantId, x.CreatedAt }); // a workspace's messages by day (analytics)
        e.Property(x => x.Role).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Reaction).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Model).HasMaxLength(100);
        e.Property(x => x.Internal).HasDefaultValue(false);
        e.Property(x => x.AgentName).HasMaxLength(200);
        e.HasOne<Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsagePeriodMapping : IEntityTypeConfiguration<UsagePeriod>
{
    public void Configure(EntityTypeBuilder<UsagePeriod> e)
    {
        e.HasIndex(x => new { x.TenantId, x.Period }).IsUnique();
        e.Property(x => x.Period).HasMaxLength(7);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ModelUsageMapping : IEntityTypeConfiguration<ModelUsage>
{
    public void Configure(EntityTypeBuilder<ModelUsage> e)
    {
        e.HasIndex(x => new { x.TenantId, x.Period, x.Model }).IsUnique();
        e.Property(x => x.Period).HasMaxLength(7);
        e.Property(x => x.Model).HasMaxLength(100);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BotDomainMapping : IEntityTypeConfiguration<BotDomain>
{
    public void Configure(EntityTypeBuilder<BotDomain> e)
    {
        e.HasIndex(x => new { x.ChatbotId, x.DomainId }).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Features.Domains.Domain>().WithMany().HasForeignKey(x => x.DomainId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SystemErrorMapping : IEntityTypeConfiguration<SystemError>
{
    public void Configure(EntityTypeBuilder<SystemError> e)
    {
        e.HasIndex(x => x.CreatedAt);
        e.Property(x => x.Service).HasMaxLength(50);
        e.Property(x => x.Stage).HasMaxLength(50);
        e.Property(x => x.Severity).HasMaxLength(20);
        e.Property(x => x.Message).HasMaxLength(2000);
        e.Property(x => x.Reference).HasMaxLength(200);
    }
}
