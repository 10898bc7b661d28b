using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Inbox;

/// <summary>A canned answer the team inserts in the inbox composer by typing "/" and its shortcut (Chatwoot's canned responses).</summary>
public class SavedReply : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    [Required(ErrorMessage = "Give the reply a shortcut."), StringLength(40, ErrorMessage = "Keep the shortcut under 40 characters.")]
    [RegularExpression(@"^[a-z0-9][a-z0-9_-]*$", ErrorMessage = "Use lowercase letters, digits, - and _ (no spaces).")]
    public string Shortcut { get; set; } = "";
    [Required(ErrorMessage = "Write the reply."), StringLength(2000, ErrorMessage = "Keep the reply under 2,000 characters.")]
    public string Content { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A member with the inbox open: refreshed by their inbox stream while it is connected (used to decide when to mail an escalation).</summary>
public class InboxPresence : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

internal sealed class SavedReplyMapping : IEntityTypeConfiguration<SavedReply>
{
    public void Configure(EntityTypeBuilder<SavedReply> e)
    {
        e.HasIndex(x => new { x.TenantId, x.Shortcut }).IsUnique();
        e.Property(x => x.Shortcut).HasMaxLength(40);
        e.Property(x => x.Content).HasMaxLength(2000);
        e.HasOne<Workspaces.Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InboxPresenceMapping : IEntityTypeConfiguration<InboxPresence>
{
    public void Configure(EntityTypeBuilder<InboxPresence> e)
    {
        e.HasIndex(x => new { x.TenantId, x.UserId }).IsUnique();
        e.HasOne<Workspaces.Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Accounts.AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
