using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Jobs;

/// <summary>
/// The one place work outside a request enters a tenant (OrchardCore's ShellScope): a fresh DI scope with the tenant
/// set, for one tenant or once per active tenant. Features never switch the tenant context themselves.
/// </summary>
public sealed class TenantScopes(IServiceScopeFactory scopes, ILogger<TenantScopes> log)
{
    /// <summary>Runs work inside one tenant, in a scope of its own.</summary>
    public async Task<T> RunAsync<T>(Tenant tenant, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
        return await work(scope.ServiceProvider);
    }

    /// <summary>
    /// Runs a job inside the tenant it was queued for (the tenant id travels with the job as an argument): skipped when
    /// the workspace is gone or suspended; a failure is logged with the tenant and job, then rethrown.
    /// </summary>
    public async Task RunJobAsync(string job, Guid tenantId, Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tenant = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null || tenant.Status != TenantStatus.Active)
        {
            log.LogWarning("Skipped job {Job} for tenant {TenantId}: the tenant is gone or suspended", job, tenantId);
            return;
        }
        using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
        using var logScope = log.BeginScope(new Dictionary<string, object> { ["TenantId"] = tenantId, ["Job"] = job });
        try
        {
            await work(scope.ServiceProvider, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Job {Job} failed for tenant {TenantId}", job, tenantId);
            throw;
        }
    }

    /// <summary>Runs work once per active tenant, each in its own scope; one tenant's failure is logged and skipped.</summary>
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
