using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Plans;

/// <summary>
/// A write that a plan limit bounds (a bot, a source, pages, an invitation for a seat) made as one guarded unit: the
/// workspace's row is locked first (a write to it: PostgreSQL holds the row until commit, SQLite takes its write lock),
/// then the limit is checked and the tracked changes saved in the same transaction. Concurrent requests of one workspace
/// are taken one after another, so together they can never overshoot the limit.
/// </summary>
public sealed class PlanGuard(AppDbContext db, ITenantContext tenant)
{
    private sealed class Refused : Exception;

    /// <summary>Saves the tracked changes unless <paramref name="check"/> names a problem; then nothing is saved and the problem is returned.</summary>
    public async Task<string?> SaveWithinAsync(Func<CancellationToken, Task<string?>> check, CancellationToken ct)
    {
        var tenantId = tenant.TenantId ?? throw new InvalidOperationException("A plan limit needs a workspace.");
        string? problem = null;
        try
        {
            await db.SaveAtomicallyAsync(async token =>
            {
                await db.LockTenantAsync(tenantId, token);
                problem = await check(token);
                if (problem is not null) throw new Refused();
            }, ct);
        }
        catch (Refused)
        {
            // Nothing of the refused write stays pending in this context.
            foreach (var entry in db.ChangeTracker.Entries().ToList())
            {
                if (entry.State == EntityState.Added) entry.State = EntityState.Detached;
                else if (entry.State is EntityState.Modified or EntityState.Deleted)
                {
                    entry.CurrentValues.SetValues(entry.OriginalValues);
                    entry.State = EntityState.Unchanged;
                }
            }
        }
        return problem;
    }
}
