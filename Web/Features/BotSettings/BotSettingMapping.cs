using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

/// <summary>How every one-row-per-bot settings table is stored: one row per bot, listed per workspace, gone with the bot.</summary>
public static class BotSettingMapping
{
    /// <summary>Its <c>UpdatedAt</c> is a concurrency token, so a save over a newer save fails (see <see cref="SettingsStamp"/>).</summary>
    public static void OneRowPerBot<T>(EntityTypeBuilder<T> e) where T : class, IBotSetting
    {
        e.Property<DateTimeOffset>("UpdatedAt").IsConcurrencyToken();
        e.HasIndex(nameof(IBotSetting.ChatbotId)).IsUnique();
        e.HasIndex("TenantId");
        e.HasOne<Chatbot>().WithMany().HasForeignKey(nameof(IBotSetting.ChatbotId)).OnDelete(DeleteBehavior.Cascade);
    }
}
