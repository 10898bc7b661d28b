using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Jobs;

/// <summary>Runs work once per active tenant, each in its own scope with the tenant set; one tenant's failure is logged and skipped.</summary>
public sealed class TenantScopes(IServiceScopeFactory scopes, ILogger<TenantScopes> log)
{
    public async Task ForEachAsync(string job, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct)
    {
        List<Tenant> tenants;
        await using (var scope = scopes.CreateAsyncScope())
            tenants = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Tenants.AsNoTracking()
                .Where(t => t.Status == TenantStatus.Active).ToListAsync(ct);
        foreach (var tenant in tenants)
        {
            await using var scope = scopes.CreateAsyncScope();
            using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
            try
            {
                await work(scope.ServiceProvider, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Job {Job} failed for tenant {TenantId}", job, tenant.Id);
            }
        }
    }
}
