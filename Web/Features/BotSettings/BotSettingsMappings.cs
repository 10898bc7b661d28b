using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

// How BotSettings entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class BotAppearanceMapping : IEntityTypeConfiguration<BotAppearance>
{
    public void Configure(EntityTypeBuilder<BotAppearance> e)
    {
        BotSettingMapping.OneRowPerBot(e);
        e.Property(x => x.DisplayName).HasMaxLength(100);
        e.Property(x => x.Tooltip).HasMaxLength(120);
        e.Property(x => x.WelcomeMessage).HasMaxLength(500);
        e.Property(x => x.Placeholder).HasMaxLength(120);
        e.Property(x => x.BrandColor).HasMaxLength(7);
        e.Property(x => x.BrandTextColor).HasMaxLength(7);
        e.Property(x => x.LinkColor).HasMaxLength(7);
        e.Property(x => x.IconColor).HasMaxLength(7).HasDefaultValue("");
        e.Ignore(x => x.LauncherColor);
        e.Property(x => x.IconSize).HasConversion<string>().HasMaxLength(10);
        e.Property(x => x.Position).HasConversion<string>().HasMaxLength(10);
        e.Property(x => x.WatermarkText).HasMaxLength(60).HasDefaultValue("");
        e.Property(x => x.WatermarkUrl).HasMaxLength(2048).HasDefaultValue("");
        e.Property(x => x.PlainIcons).HasDefaultValue(false);
        e.Property(x => x.BotIcon).HasMaxLength(300);
        e.Property(x => x.UserIcon).HasMaxLength(300);
        e.Property(x => x.AgentIcon).HasMaxLength(300);
        e.Property(x => x.BubbleIcon).HasMaxLength(300);
    }
}

internal sealed class BotBehaviorMapping : IEntityTypeConfiguration<BotBehavior>
{
    public void Configure(EntityTypeBuilder<BotBehavior> e)
    {
        BotSettingMapping.OneRowPerBot(e);
        e.Property(x => x.TermsText).HasMaxLength(300);
        e.Property(x => x.Disclaimer).HasMaxLength(300);
        e.Property(x => x.HideBottomNav).HasDefaultValue(false);
        e.Property(x => x.HideRefresh).HasDefaultValue(false);
        e.Property(x => x.HideExpand).HasDefaultValue(false);
        e.Property(x => x.HideHomePage).HasDefaultValue(false);
        e.Property(x => x.OpenNewConversation).HasDefaultValue(false);
        e.Property(x => x.ShowNoModelNote).HasDefaultValue(false);
    }
}

internal sealed class BotGeneralMapping : IEntityTypeConfiguration<BotGeneral>
{
    public void Configure(EntityTypeBuilder<BotGeneral> e)
    {
        BotSettingMapping.OneRowPerBot(e);
        e.Property(x => x.Model).HasMaxLength(100);
    }
}

internal sealed class ConversationStarterMapping : IEntityTypeConfiguration<ConversationStarter>
{
    public void Configure(EntityTypeBuilder<ConversationStarter> e)
    {
        e.HasIndex(x => new { x.ChatbotId, x.Placement, x.Position });
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
        e.Property(x => x.Placement).HasConversion<string>().HasMaxLength(12);
        e.Property(x => x.Title).HasMaxLength(60);
        e.Property(x => x.Message).HasMaxLength(500);
        e.Property(x => x.Url).HasMaxLength(2048);
        e.Property(x => x.Locale).HasMaxLength(20);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PersonaMapping : IEntityTypeConfiguration<Persona>
{
    public void Configure(EntityTypeBuilder<Persona> e)
    {
        e.HasIndex(x => new { x.ChatbotId, x.Active });
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Title).HasMaxLength(80);
        e.Property(x => x.Instructions).HasMaxLength(4000);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}
