using System.Linq.Expressions;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Parley.Features.Accounts;
using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;
using Parley.Features.Domains;
using Parley.Features.Team;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Data;

public partial class AppDbContext(DbContextOptions<AppDbContext> options, ITenantContext tenant)
    : IdentityUserContext<AppUser, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>The name of the query filter every tenant-owned entity carries.</summary>
    public const string TenantFilter = "Tenant";

    /// <summary>Entities deliberately not owned by a tenant. Anything else must implement ITenantOwned.</summary>
    public static readonly IReadOnlySet<Type> SharedEntities = new HashSet<Type>
    {
        typeof(AppUser), typeof(Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>),
        typeof(Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>), typeof(Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>),
        typeof(Tenant), typeof(SlugRedirect), typeof(Plan), typeof(LoginHistory),
        typeof(DataProtectionKey), typeof(UsedTicket), typeof(UserSession), typeof(MailThrottle), typeof(Email.OutboxMail), typeof(Live.LiveOutboxEvent), typeof(Features.Chat.SystemError),
        typeof(Features.Knowledge.Sources.PendingCleanup),
        // The add-on and promotion catalogues, and Stripe events (taken in before the workspace they name is known).
        typeof(Features.Billing.AddOn), typeof(Features.Billing.Promotion), typeof(Features.Billing.BillingEvent),
    };

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<SlugRedirect> SlugRedirects => Set<SlugRedirect>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<Features.Billing.AddOn> AddOns => Set<Features.Billing.AddOn>();
    public DbSet<Features.Billing.AddOnPurchase> AddOnPurchases => Set<Features.Billing.AddOnPurchase>();
    public DbSet<Features.Billing.Promotion> Promotions => Set<Features.Billing.Promotion>();
    public DbSet<Features.Billing.Bonus> Bonuses => Set<Features.Billing.Bonus>();
    public DbSet<Features.Billing.Payment> Payments => Set<Features.Billing.Payment>();
    public DbSet<Features.Billing.BillingEvent> BillingEvents => Set<Features.Billing.BillingEvent>();
    public DbSet<Features.Unanswered.AnswerFix> AnswerFixes => Set<Features.Unanswered.AnswerFix>();
    public DbSet<Features.Analytics.BotDay> BotDays => Set<Features.Analytics.BotDay>();
    public DbSet<Features.Analytics.AnalyticsState> AnalyticsStates => Set<Features.Analytics.AnalyticsState>();
    public DbSet<Features.Api.ApiKey> ApiKeys => Set<Features.Api.ApiKey>();
    public DbSet<Features.Api.ApiRequestLog> ApiRequestLogs => Set<Features.Api.ApiRequestLog>();
    public DbSet<Features.Api.ApiRateWindow> ApiRateWindows => Set<Features.Api.ApiRateWindow>();
    public DbSet<Features.Webhooks.WebhookEvent> WebhookEvents => Set<Features.Webhooks.WebhookEvent>();
    public DbSet<Features.Webhooks.WebhookEndpoint> WebhookEndpoints => Set<Features.Webhooks.WebhookEndpoint>();
    public DbSet<Features.Webhooks.WebhookDelivery> WebhookDeliveries => Set<Features.Webhooks.WebhookDelivery>();
    public DbSet<LoginHistory> LoginHistory => Set<LoginHistory>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<MailThrottle> MailThrottles => Set<MailThrottle>();
    public DbSet<Email.OutboxMail> OutboxMails => Set<Email.OutboxMail>();
    public DbSet<Live.LiveOutboxEvent> LiveOutbox => Set<Live.LiveOutboxEvent>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<UsedTicket> UsedTickets => Set<UsedTicket>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Domain> Domains => Set<Domain>();
    public DbSet<AuditLog> AuditLogs => Set<AuditLog>();
    public DbSet<Chatbot> Chatbots => Set<Chatbot>();
    public DbSet<BotAssignment> BotAssignments => Set<BotAssignment>();
    public DbSet<Chunk> Chunks => Set<Chunk>();
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<IngestionEvent> IngestionEvents => Set<IngestionEvent>();
    public DbSet<IngestionError> IngestionErrors => Set<IngestionError>();
    public DbSet<SourcePage> SourcePages => Set<SourcePage>();
    public DbSet<Features.Chat.Visitor> Visitors => Set<Features.Chat.Visitor>();
    public DbSet<Features.Chat.Conversation> Conversations => Set<Features.Chat.Conversation>();
    public DbSet<Features.Chat.Message> Messages => Set<Features.Chat.Message>();
    public DbSet<Features.Chat.UsagePeriod> UsagePeriods => Set<Features.Chat.UsagePeriod>();
    public DbSet<Features.Chat.ModelUsage> ModelUsages => Set<Features.Chat.ModelUsage>();
    public DbSet<Features.Chat.BotDomain> BotDomains => Set<Features.Chat.BotDomain>();
    public DbSet<Features.Chat.SystemError> SystemErrors => Set<Features.Chat.SystemError>();
    public DbSet<Features.BotSettings.BotAppearance> BotAppearances => Set<Features.BotSettings.BotAppearance>();
    public DbSet<Features.BotSettings.BotBehavior> BotBehaviors => Set<Features.BotSettings.BotBehavior>();
    public DbSet<Features.BotSettings.BotGeneral> BotGenerals => Set<Features.BotSettings.BotGeneral>();
    public DbSet<Features.BotSettings.ConversationStarter> ConversationStarters => Set<Features.BotSettings.ConversationStarter>();
    public DbSet<Features.BotSettings.Persona> Personas => Set<Features.BotSettings.Persona>();
    public DbSet<Features.Leads.LeadSettings> LeadSettings => Set<Features.Leads.LeadSettings>();
    public DbSet<Features.HumanSupport.HumanSupportSettings> HumanSupportSettings => Set<Features.HumanSupport.HumanSupportSettings>();
    public DbSet<Features.Localization.BotLocalization> BotLocalizations => Set<Features.Localization.BotLocalization>();
    public DbSet<Features.Localization.BotLocale> BotLocales => Set<Features.Localization.BotLocale>();
    public DbSet<Features.Inbox.SavedReply> SavedReplies => Set<Features.Inbox.SavedReply>();
    public DbSet<Features.Inbox.InboxPresence> InboxPresence => Set<Features.Inbox.InboxPresence>();

    /// <summary>Read by the query filter on every query; Guid.Empty (no tenant) matches no row.</summary>
    public Guid CurrentTenantId => tenant.TenantId ?? Guid.Empty;

    public ITenantContext TenantContext => tenant;

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        // Features map their own entities beside them (IEntityTypeConfiguration); the rest is still mapped below.
        b.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("UserClaims");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("UserLogins");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("UserTokens");

        b.Entity<Plan>(e =>
        {
            e.HasIndex(p => p.Code).IsUnique();
            e.Property(p => p.Code).HasMaxLength(40);
            e.Property(p => p.Name).HasMaxLength(100);
            e.Property(p => p.Description).HasMaxLength(1000);
            e.Property(p => p.MonthlyPrice).HasPrecision(10, 2);
            e.Property(p => p.Cycle).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            e.ComplexProperty(p => p.Limits, ConfigureLimits);
        });
        b.Entity<Subscription>(e =>
        {
            e.HasIndex(s => s.TenantId);
            e.HasIndex(s => s.StripeSubscriptionId);
            e.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(s => s.CancelReason).HasMaxLength(500);
            e.Property(s => s.StripeSubscriptionId).HasMaxLength(100);
            e.Property(s => s.TrialReminders).HasDefaultValue(0);
            e.Property(s => s.CancelAtPeriodEnd).HasDefaultValue(false);
            e.Property(s => s.Paid).HasDefaultValue(false);
            e.HasOne(s => s.Plan).WithMany().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
            e.ComplexProperty(s => s.Limits, ConfigureLimits);
        });
        b.Entity<Email.OutboxMail>(e =>
        {
            e.HasIndex(x => new { x.SentAt, x.NextAttemptAt });
            e.Property(x => x.To).HasMaxLength(256);
            e.Property(x => x.Subject).HasMaxLength(500);
            e.Property(x => x.LastError).HasMaxLength(1000);
        });
        b.Entity<Live.LiveOutboxEvent>(e =>
        {
            e.ToTable("LiveOutbox");
            e.HasIndex(x => new { x.State, x.Id });
            e.HasIndex(x => x.ClaimToken);
            e.Property(x => x.EventType).HasMaxLength(40);
            e.Property(x => x.Content).HasMaxLength(2000);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        });
        b.Entity<MailThrottle>(e =>
        {
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(300);
        });
        b.Entity<DataProtectionKey>(e => { e.Property(k => k.FriendlyName).HasMaxLength(200); e.Property(k => k.Xml).IsRequired(); });
        b.Entity<UsedTicket>(e => e.HasIndex(t => t.ExpiresAt));
        ConfigureKnowledgeAndChat(b);

        foreach (var type in b.Model.GetEntityTypes().Select(t => t.ClrType).Where(typeof(ITenantOwned).IsAssignableFrom))
            ApplyTenantFilterMethod.MakeGenericMethod(type).Invoke(this, [b]);
    }

    private static void ConfigureLimits<T>(ComplexPropertyBuilder<T> l) where T : PlanLimits
    {
        l.Property(x => x.AutoSync).HasConversion<string>().HasMaxLength(20);
        l.Property(x => x.AllowedModels).HasMaxLength(500);
        l.Property(x => x.Pages).HasDefaultValue(100);
        l.Property(x => x.CustomWatermark).HasDefaultValue(false);
    }

    private static readonly System.Reflection.MethodInfo ApplyTenantFilterMethod =
        typeof(AppDbContext).GetMethod(nameof(ApplyTenantFilter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    private void ApplyTenantFilter<T>(ModelBuilder b) where T : class, ITenantOwned
    {
        Expression<Func<T, bool>> filter = e => e.TenantId == CurrentTenantId;
        b.Entity<T>().HasQueryFilter(TenantFilter, filter);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder c)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; UTC ticks sort correctly.
        if (Database.IsSqlite())
            c.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    /// <summary>
    /// Saves, and moves the version stamps the saved rows belong to (a bot's knowledge or settings, a workspace's cached
    /// state) in the same transaction, so no reader ever sees new rows under an old stamp or old rows under a new one.
    /// </summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardTenant();
        var stamps = Stamps();
        if (!stamps.Any) return base.SaveChanges(acceptAllChangesOnSuccess);
        if (Database.CurrentTransaction is not null)
        {
            var inside = base.SaveChanges(acceptAllChangesOnSuccess);
            MoveStampsAsync(stamps, sync: true, default).GetAwaiter().GetResult();
            return inside;
        }
        var saved = Database.CreateExecutionStrategy().Execute(() =>
        {
            using var tx = Database.BeginTransaction();
            var n = base.SaveChanges(acceptAllChangesOnSuccess: false);
            MoveStampsAsync(stamps, sync: true, default).GetAwaiter().GetResult();
            tx.Commit();
            return n;
        });
        if (acceptAllChangesOnSuccess) ChangeTracker.AcceptAllChanges();
        return saved;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        GuardTenant();
        var stamps = Stamps();
        if (!stamps.Any) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        if (Database.CurrentTransaction is not null)
        {
            var inside = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
            await MoveStampsAsync(stamps, sync: false, ct);
            return inside;
        }
        var saved = await Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            await using var tx = await Database.BeginTransactionAsync(token);
            var n = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, token);
            await MoveStampsAsync(stamps, sync: false, token);
            await tx.CommitAsync(token);
            return n;
        }, ct);
        if (acceptAllChangesOnSuccess) ChangeTracker.AcceptAllChanges();
        return saved;
    }

    /// <summary>
    /// Saves the tracked changes and runs <paramref name="statements"/> (set-based writes: atomic counters, guards) in one
    /// transaction, inside the execution strategy, so on PostgreSQL a transient failure repeats the whole unit. Changes
    /// are accepted only after the commit, so a repeat saves them again.
    /// </summary>
    public async Task SaveAtomicallyAsync(Func<CancellationToken, Task> statements, CancellationToken ct)
    {
        await Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            await using var tx = await Database.BeginTransactionAsync(token);
            await statements(token);
            await SaveChangesAsync(acceptAllChangesOnSuccess: false, token);
            await tx.CommitAsync(token);
        }, ct);
        ChangeTracker.AcceptAllChanges();
    }

    private sealed record StampChanges(List<Guid> Tenants, List<Guid> Knowledge, List<Guid> Settings)
    {
        public bool Any => Tenants.Count + Knowledge.Count + Settings.Count > 0;
    }

    private StampChanges Stamps() => new(ChangedTenantState(), ChangedKnowledge(), ChangedSettings());

    private async Task MoveStampsAsync(StampChanges s, bool sync, CancellationToken ct)
    {
        var tenants = Tenants.Where(t => s.Tenants.Contains(t.Id));
        var knowledge = Chatbots.Where(b => s.Knowledge.Contains(b.Id));
        var settings = Chatbots.Where(b => s.Settings.Contains(b.Id));
        if (sync)
        {
            if (s.Tenants.Count > 0) tenants.ExecuteUpdate(u => u.SetProperty(t => t.CacheVersion, t => t.CacheVersion + 1));
            if (s.Knowledge.Count > 0) knowledge.ExecuteUpdate(u => u.SetProperty(b => b.KnowledgeVersion, b => b.KnowledgeVersion + 1));
            if (s.Settings.Count > 0) settings.ExecuteUpdate(u => u.SetProperty(b => b.SettingsVersion, b => b.SettingsVersion + 1));
            return;
        }
        if (s.Tenants.Count > 0) await tenants.ExecuteUpdateAsync(u => u.SetProperty(t => t.CacheVersion, t => t.CacheVersion + 1), ct);
        if (s.Knowledge.Count > 0) await knowledge.ExecuteUpdateAsync(u => u.SetProperty(b => b.KnowledgeVersion, b => b.KnowledgeVersion + 1), ct);
        if (s.Settings.Count > 0) await settings.ExecuteUpdateAsync(u => u.SetProperty(b => b.SettingsVersion, b => b.SettingsVersion + 1), ct);
    }

    /// <summary>For bulk chunk deletes (ExecuteDelete skips the change tracker): move the bot's KnowledgeVersion by hand.</summary>
    public Task TouchKnowledgeAsync(Guid chatbotId, CancellationToken ct) =>
        Chatbots.Where(b => b.Id == chatbotId).ExecuteUpdateAsync(u => u.SetProperty(b => b.KnowledgeVersion, b => b.KnowledgeVersion + 1), ct);

    /// <summary>
    /// Inside a transaction: holds the workspace's row until commit (a write to it: PostgreSQL locks the row, SQLite takes its
    /// write lock), so checks of the workspace's plan limits made after it are taken one after another.
    /// </summary>
    public Task LockTenantAsync(Guid tenantId, CancellationToken ct) =>
        Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, t => t.Status), ct);

    /// <summary>For bulk writes (ExecuteUpdate skips the change tracker) to a workspace, its memberships or its subscription: move its CacheVersion by hand, in the same transaction (or after the write).</summary>
    public Task TouchTenantAsync(Guid tenantId, CancellationToken ct = default) =>
        Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(u => u.SetProperty(t => t.CacheVersion, t => t.CacheVersion + 1), ct);

    /// <summary>The bots whose settings this save changes, so their SettingsVersion moves and the widget's cache reloads.</summary>
    private List<Guid> ChangedSettings() => ChangeTracker.Entries<Features.BotSettings.IBotSetting>()
        .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
        .Select(e => e.Entity.ChatbotId).Distinct().ToList();

    /// <summary>
    /// The workspaces whose cached state (<see cref="Infrastructure.Tenancy.TenantCache"/>: memberships, subscription and
    /// limits) this save changes; their CacheVersion moves in the same transaction.
    /// </summary>
    private List<Guid> ChangedTenantState() => ChangeTracker.Entries()
        .Where(e => e.State is EntityState.Modified or EntityState.Deleted || (e.State == EntityState.Added && e.Entity is not Tenant))
        .Select(e => e.Entity switch
        {
            Tenant t => t.Id, Membership m => m.TenantId, Subscription s => s.TenantId,
            Features.Billing.AddOnPurchase a => a.TenantId, Features.Billing.Bonus b => b.TenantId, _ => Guid.Empty,
        })
        .Where(id => id != Guid.Empty).Distinct().ToList();

    /// <summary>The bots whose chunks this save changes, so their KnowledgeVersion moves and search caches reload.</summary>
    private List<Guid> ChangedKnowledge() => ChangeTracker.Entries<Chunk>()
        .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
        .Select(e => e.Entity.ChatbotId).Distinct().ToList();

    /// <summary>Stamps new tenant rows with the current tenant and refuses any write that crosses tenants.</summary>
    private void GuardTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (tenant.TenantId is not { } current)
                throw new TenantMismatchException($"{entry.Entity.GetType().Name} was written with no tenant set.");
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
                entry.Entity.TenantId = current;
            else if (entry.Entity.TenantId != current)
                throw new TenantMismatchException(
                    $"{entry.Entity.GetType().Name} belongs to tenant {entry.Entity.TenantId} but the current tenant is {current}.");
        }
    }
}

/// <summary>When mail of one kind last went to one address, so a form cannot be used to flood an inbox (shared by every instance).</summary>
public class MailThrottle
{
    /// <summary>"purpose:address", lower case.</summary>
    public string Key { get; set; } = "";
    public DateTimeOffset LastSentAt { get; set; }
}

/// <summary>The id of a single-use ticket that has been redeemed; the primary key makes a second use fail.</summary>
public class UsedTicket
{
    public Guid Id { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
