using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.BotSettings;

namespace Parley.Features.Leads;

// How Leads entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class LeadSettingsMapping : IEntityTypeConfiguration<LeadSettings>
{
    public void Configure(EntityTypeBuilder<LeadSettings> e)
    {
        BotSettingMapping.OneRowPerBot(e);
        e.Ignore(x => x.Fields);
        e.Property(x => x.Industry).HasMaxLength(30);
        e.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.TriggerKeywords).HasMaxLength(1000);
        e.Property(x => x.FieldsJson).HasMaxLength(10000);
        e.Property(x => x.BookingUrl).HasMaxLength(2048);
        e.Property(x => x.NotifyEmails).HasMaxLength(1000);
    }
}
