using Hangfire;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Knowledge.Search;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Storage;

namespace Parley.Features.Knowledge.Sources;

public enum CleanupScope { Source, Bot, Workspace }

/// <summary>
/// What a deletion leaves outside the database (search index entries, uploaded files), written in the deletion's own
/// transaction and removed afterwards by <see cref="KnowledgeCleanupJob"/>, retried with backoff until it is gone: a
/// deletion that fails part-way never leaves orphans behind for good. Not tenant-owned: the workspace may be gone.
/// </summary>
public class PendingCleanup
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public CleanupScope Scope { get; set; }
    public Guid TargetId { get; set; }
    /// <summary>An uploaded file, or a folder of them when it ends in "/".</summary>
    public string? BlobPath { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
}

internal sealed class PendingCleanupMapping : IEntityTypeConfiguration<PendingCleanup>
{
    public void Configure(EntityTypeBuilder<PendingCleanup> e)
    {
        e.ToTable("PendingCleanups");
        e.HasIndex(x => x.NextAttemptAt);
        e.Property(x => x.Scope).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.BlobPath).HasMaxLength(500);
        e.Property(x => x.LastError).HasMaxLength(1000);
    }
}

public static class KnowledgeCleanup
{
    /// <summary>Records the leftovers of a deletion in the current unit of work (saved with the deletion).</summary>
    public static void Record(AppDbContext db, Guid tenantId, CleanupScope scope, Guid targetId, string? blobPath, DateTimeOffset now) =>
        db.Set<PendingCleanup>().Add(new PendingCleanup { TenantId = tenantId, Scope = scope, TargetId = targetId, BlobPath = blobPath, CreatedAt = now, NextAttemptAt = now });

    /// <summary>Asks for the cleanup now (after the deletion committed); the recurring run picks up anything missed.</summary>
    public static void Soon(IBackgroundJobClient jobs) => jobs.Enqueue<KnowledgeCleanupJob>(j => j.RunAsync(CancellationToken.None));
}

/// <summary>Removes what deletions left in the search index and blob storage; each failure waits longer before the next try.</summary>
public sealed class KnowledgeCleanupJob(IServiceScopeFactory scopes, TenantScopes tenants, TimeProvider clock, ILogger<KnowledgeCleanupJob> log)
{
    public const string Id = "knowledge.cleanup";

    [DisableConcurrentExecution(timeoutInSeconds: 30), JobDisplayName("Clean up after deletions")]
    public async Task RunAsync(CancellationToken ct)
    {
        List<PendingCleanup> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var now = clock.GetUtcNow();
            due = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<PendingCleanup>().AsNoTracking()
                .Where(c => c.NextAttemptAt <= now).OrderBy(c => c.CreatedAt).Take(100).ToListAsync(ct);
        }
        foreach (var group in due.GroupBy(c => c.TenantId))
        {
            Features.Workspaces.Tenant? tenant;
            await using (var scope = scopes.CreateAsyncScope())
                tenant = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == group.Key, ct);
            foreach (var cleanup in group)
            {
                if (tenant is null)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await ProcessAsync(scope.ServiceProvider, cleanup, workspaceGone: true, ct);
                }
                else await tenants.RunAsync(tenant, async sp => { await ProcessAsync(sp, cleanup, workspaceGone: false, ct); return 0; });
            }
        }
    }

    private async Task ProcessAsync(IServiceProvider sp, PendingCleanup cleanup, bool workspaceGone, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        try
        {
            var index = sp.GetRequiredService<ISearchIndex>();
            switch (cleanup.Scope)
            {
                case CleanupScope.Workspace: await index.RemoveTenantAsync(cleanup.TenantId, ct); break;
                // With the workspace gone its own cleanup removes everything of its bots and sources.
                case CleanupScope.Bot when !workspaceGone: await index.RemoveBotAsync(cleanup.TargetId, ct); break;
                // An excluded source included again is live: its run makes the index exact, nothing to remove.
                case CleanupScope.Source when !workspaceGone && !await db.Sources.AnyAsync(x => x.Id == cleanup.TargetId && !x.Excluded, ct):
                    await index.RemoveSourceAsync(cleanup.TargetId, ct);
                    break;
            }
            var blobs = sp.GetRequiredService<IBlobStore>();
            if (cleanup.BlobPath is { } path)
            {
                if (path.EndsWith('/')) await blobs.DeletePrefixAsync(path, ct);
                else await blobs.DeleteAsync(path, ct);
            }
            await db.Set<PendingCleanup>().Where(c => c.Id == cleanup.Id).ExecuteDeleteAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var attempts = cleanup.Attempts + 1;
            var wait = TimeSpan.FromMinutes(Math.Min(360, Math.Pow(2, attempts)));
            log.LogWarning(e, "Cleanup {CleanupId} ({Scope} {TargetId}) failed, attempt {Attempts}; next in {Wait}", cleanup.Id, cleanup.Scope, cleanup.TargetId, attempts, wait);
            var error = $"{e.GetType().Name}: {e.Message}";
            await db.Set<PendingCleanup>().Where(c => c.Id == cleanup.Id).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.Attempts, attempts).SetProperty(c => c.NextAttemptAt, clock.GetUtcNow() + wait)
                .SetProperty(c => c.LastError, error.Length > 1000 ? error[..1000] : error), CancellationToken.None);
        }
    }
}
