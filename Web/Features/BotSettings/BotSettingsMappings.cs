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

namespace Parley.Features.BotSettings;

// How BotSettings entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class BotAppearanceMapping : IEntityTypeConfiguration<BotAppearance>
{
    public void Configure(EntityTypeBuilder<BotAppearance> e)
    {
        e.Property(x => x.UpdatedAt).IsConcurrencyToken(); // see SettingsStamp
        e.HasIndex(x => x.ChatbotId).IsUnique();
        e.HasIndex(x => x.TenantId);
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
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);

    }
}

internal sealed class BotBehaviorMapping : IEntityTypeConfiguration<BotBehavior>
{
    public void Configure(EntityTypeBuilder<BotBehavior> e)
    {
        e.Property(x => x.UpdatedAt).IsConcurrencyToken(); // see SettingsStamp
        e.HasIndex(x => x.ChatbotId).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.TermsText).HasMaxLength(300);
        e.Property(x => x.Disclaimer).HasMaxLength(300);
        e.Property(x => x.HideBottomNav).HasDefaultValue(false);
        e.Property(x => x.HideRefresh).HasDefaultValue(false);
        e.Property(x => x.HideExpand).HasDefaultValue(false);
        e.Property(x => x.HideHomePage).HasDefaultValue(false);
        e.Property(x => x.OpenNewConversation).HasDefaultValue(false);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);

    }
}

internal sealed class BotGeneralMapping : IEntityTypeConfiguration<BotGeneral>
{
    public void Configure(EntityTypeBuilder<BotGeneral> e)
    {
        e.Property(x => x.UpdatedAt).IsConcurrencyToken(); // see SettingsStamp
        e.HasIndex(x => x.ChatbotId).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.Property(x => x.Model).HasMaxLength(100);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);

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
