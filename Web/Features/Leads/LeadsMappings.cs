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

namespace Parley.Features.Leads;

// How Leads entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class LeadSettingsMapping : IEntityTypeConfiguration<LeadSettings>
{
    public void Configure(EntityTypeBuilder<LeadSettings> e)
    {
        e.Property(x => x.UpdatedAt).IsConcurrencyToken(); // see SettingsStamp
        e.HasIndex(x => x.ChatbotId).IsUnique();
        e.HasIndex(x => x.TenantId);
        e.Ignore(x => x.Fields);
        e.Property(x => x.Industry).HasMaxLength(30);
        e.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.TriggerKeywords).HasMaxLength(1000);
        e.Property(x => x.FieldsJson).HasMaxLength(10000);
        e.Property(x => x.BookingUrl).HasMaxLength(2048);
        e.Property(x => x.NotifyEmails).HasMaxLength(1000);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);

    }
}
