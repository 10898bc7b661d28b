using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.BotSettings;

namespace Parley.Features.HumanSupport;

// How HumanSupport entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class HumanSupportSettingsMapping : IEntityTypeConfiguration<HumanSupportSettings>
{
    public void Configure(EntityTypeBuilder<HumanSupportSettings> e)
    {
        BotSettingMapping.OneRowPerBot(e);
        e.Property(x => x.PositivePrompt).HasMaxLength(60);
        e.Property(x => x.RequestPrompt).HasMaxLength(60);
        e.Property(x => x.Confirmation).HasMaxLength(500);
        e.Property(x => x.NotifyEmails).HasMaxLength(1000);
        // The default fills rows that existed before the setting; 0 ("at once") is a real value, so it is always sent.
        e.Property(x => x.NotifyAfterMinutes).HasDefaultValue(5).HasSentinel(-1);
    }
}
