using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Bots;

namespace Parley.Features.Localization;

// How Localization entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class BotLocalizationMapping : IEntityTypeConfiguration<BotLocalization>
{
    public void Configure(EntityTypeBuilder<BotLocalization> e)
    {
        e.HasIndex(x => x.ChatbotId).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.DefaultLocale).HasMaxLength(10);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BotLocaleMapping : IEntityTypeConfiguration<BotLocale>
{
    public void Configure(EntityTypeBuilder<BotLocale> e)
    {
        e.HasIndex(x => new { x.ChatbotId, x.Locale }).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.Ignore(x => x.Texts);
        e.Property(x => x.Locale).HasMaxLength(10);
        e.Property(x => x.TextsJson).HasMaxLength(100000);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}
