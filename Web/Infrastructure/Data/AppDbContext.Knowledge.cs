using Parley.Features.Workspaces;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;

namespace Parley.Infrastructure.Data;

public partial class AppDbContext
{
    /// <summary>Bots' knowledge (sources, passages, pages, the ingestion log), conversations and bot settings.</summary>
    private void ConfigureKnowledgeAndChat(ModelBuilder b)
    {
            b.Entity<Chunk>(e =>
            {
                e.HasIndex(c => new { c.ChatbotId, c.Id });
                e.HasIndex(c => new { c.SourceId, c.Index });
                e.HasIndex(c => c.TenantId);
                e.Property(c => c.Headings).HasMaxLength(1000);
                e.Property(c => c.Url).HasMaxLength(2048);
                e.Property(c => c.ContentHash).HasMaxLength(64);
                e.HasOne<Chatbot>().WithMany().HasForeignKey(c => c.ChatbotId).OnDelete(DeleteBehavior.Cascade);
                e.HasOne<Source>().WithMany().HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.Cascade);
                // PostgreSQL keeps a generated tsvector for keyword search; SQLite uses the FTS5 table of the schema script.
                if (Database.IsNpgsql())
                {
                    e.Property<NpgsqlTypes.NpgsqlTsVector>("SearchVector").HasComputedColumnSql("to_tsvector('simple', \"Text\")", stored: true);
                    e.HasIndex("SearchVector").HasMethod("GIN");
                }
            });
            b.Entity<Source>(e =>
            {
                e.HasIndex(x => new { x.ChatbotId, x.CreatedAt });
                e.HasIndex(x => x.TenantId);
                e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Title).HasMaxLength(500);
                e.Property(x => x.Url).HasMaxLength(2048);
                e.Property(x => x.BlobPath).HasMaxLength(500);
                e.Property(x => x.Error).HasMaxLength(2000);
                e.Property(x => x.FileName).HasMaxLength(255);
                e.Property(x => x.FileType).HasMaxLength(20);
                e.Property(x => x.IncludePaths).HasMaxLength(2000);
                e.Property(x => x.ExcludePaths).HasMaxLength(2000);
                e.Property(x => x.SizeBytes).HasDefaultValue(0L);
                e.Property(x => x.Excluded).HasDefaultValue(false);
                e.Property(x => x.MaxDepth).HasDefaultValue(0);
                e.Property(x => x.MaxPages).HasDefaultValue(0);
                e.Property(x => x.AutoSync).HasDefaultValue(false);
                e.Property(x => x.Attempts).HasDefaultValue(0);
                e.HasIndex(x => new { x.Status, x.NextAttemptAt });
                e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<IngestionError>(e =>
            {
                e.HasIndex(x => new { x.SourceId, x.Id });
                e.HasIndex(x => x.TenantId);
                e.Property(x => x.Step).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Message).HasMaxLength(2000);
                e.HasOne<Source>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<SourcePage>(e =>
            {
                e.HasIndex(x => new { x.SourceId, x.Url }).IsUnique();
                e.HasIndex(x => x.TenantId);
                e.Property(x => x.Url).HasMaxLength(2048);
                e.Property(x => x.Title).HasMaxLength(500);
                e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Reason).HasMaxLength(1000);
                e.Property(x => x.ContentHash).HasMaxLength(64);
                e.HasOne<Source>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<IngestionEvent>(e =>
            {
                e.HasIndex(x => new { x.SourceId, x.Id });
                e.HasIndex(x => x.TenantId);
                e.Property(x => x.Step).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Message).HasMaxLength(2000);
                e.HasOne<Source>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.Chat.Visitor>(e =>
            {
                e.HasIndex(x => x.TokenHash).IsUnique();
                e.HasIndex(x => new { x.TenantId, x.ChatbotId });
                e.Property(x => x.TokenHash).HasMaxLength(64);
                e.Property(x => x.Name).HasMaxLength(200);
                e.Property(x => x.Email).HasMaxLength(256);
                e.Property(x => x.Phone).HasMaxLength(50);
                e.Property(x => x.LeadFields).HasMaxLength(20000);
                e.HasIndex(x => new { x.TenantId, x.LeadAt });
                e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.Chat.Conversation>(e =>
            {
                e.HasIndex(x => new { x.ChatbotId, x.LastMessageAt });
                e.HasIndex(x => new { x.VisitorId, x.LastMessageAt });
                e.HasIndex(x => x.TenantId);
                e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Mode).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Title).HasMaxLength(200);
                e.Property(x => x.DomainHost).HasMaxLength(253);
                e.Property(x => x.PageUrl).HasMaxLength(2048);
                e.Property(x => x.PageTitle).HasMaxLength(300);
                e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
                e.HasOne<Features.Chat.Visitor>().WithMany().HasForeignKey(x => x.VisitorId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.Chat.Message>(e =>
            {
                e.HasIndex(x => new { x.ConversationId, x.Id });
                e.HasIndex(x => x.PublicId).IsUnique();
                // New rows always carry a random id; the default only lets the schema script add the column to existing rows.
                e.Property(x => x.PublicId).HasDefaultValue(Guid.Empty);
                e.HasIndex(x => x.TenantId);
                e.Property(x => x.Role).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Reaction).HasConversion<string>().HasMaxLength(20);
                e.Property(x => x.Model).HasMaxLength(100);
                e.HasOne<Features.Chat.Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.Chat.UsagePeriod>(e =>
            {
                e.HasIndex(x => new { x.TenantId, x.Period }).IsUnique();
                e.Property(x => x.Period).HasMaxLength(7);
                e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.Chat.ModelUsage>(e =>
            {
                e.HasIndex(x => new { x.TenantId, x.Period, x.Model }).IsUnique();
                e.Property(x => x.Period).HasMaxLength(7);
                e.Property(x => x.Model).HasMaxLength(100);
                e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.Chat.BotDomain>(e =>
            {
                e.HasIndex(x => new { x.ChatbotId, x.DomainId }).IsUnique();
                e.HasIndex(x => x.TenantId);
                e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
                e.HasOne<Features.Domains.Domain>().WithMany().HasForeignKey(x => x.DomainId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.BotSettings.BotAppearance>(e =>
            {
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
            });
            b.Entity<Features.BotSettings.BotBehavior>(e =>
            {
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
            });
            b.Entity<Features.BotSettings.BotGeneral>(e =>
            {
                e.HasIndex(x => x.ChatbotId).IsUnique();
                e.HasIndex(x => x.TenantId);
                e.Property(x => x.Model).HasMaxLength(100);
                e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
            });
            b.Entity<Features.BotSettings.ConversationStarter>(e =>
        {
            e.HasIndex(x => new { x.ChatbotId, x.Placement, x.Position });
            e.HasIndex(x => x.TenantId);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
            e.Property(x => x.Placement).HasConversion<string>().HasMaxLength(12);
            e.Property(x => x.Title).HasMaxLength(60);
            e.Property(x => x.Message).HasMaxLength(500);
            e.Property(x => x.Url).HasMaxLength(2048);
            e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Features.BotSettings.Persona>(e =>
        {
            e.HasIndex(x => new { x.ChatbotId, x.Active });
            e.HasIndex(x => x.TenantId);
            e.Property(x => x.Title).HasMaxLength(80);
            e.Property(x => x.Instructions).HasMaxLength(4000);
            e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Features.Leads.LeadSettings>(e =>
        {
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
        });
        b.Entity<Features.HumanSupport.HumanSupportSettings>(e =>
        {
            e.HasIndex(x => x.ChatbotId).IsUnique();
            e.HasIndex(x => x.TenantId);
            e.Property(x => x.PositivePrompt).HasMaxLength(60);
            e.Property(x => x.RequestPrompt).HasMaxLength(60);
            e.Property(x => x.Confirmation).HasMaxLength(500);
            e.Property(x => x.NotifyEmails).HasMaxLength(1000);
            e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Features.Localization.BotLocalization>(e =>
        {
            e.HasIndex(x => x.ChatbotId).IsUnique();
            e.HasIndex(x => x.TenantId);
            e.Property(x => x.DefaultLocale).HasMaxLength(10);
            e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Features.Localization.BotLocale>(e =>
        {
            e.HasIndex(x => new { x.ChatbotId, x.Locale }).IsUnique();
            e.HasIndex(x => x.TenantId);
            e.Ignore(x => x.Texts);
            e.Property(x => x.Locale).HasMaxLength(10);
            e.Property(x => x.TextsJson).HasMaxLength(100000);
            e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Features.Chat.SystemError>(e =>
            {
                e.HasIndex(x => x.CreatedAt);
                e.Property(x => x.Service).HasMaxLength(50);
                e.Property(x => x.Stage).HasMaxLength(50);
                e.Property(x => x.Severity).HasMaxLength(20);
                e.Property(x => x.Message).HasMaxLength(2000);
                e.Property(x => x.Reference).HasMaxLength(200);
            });
    }
}
