using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Jobs;

/// <summary>
/// Where work outside a request enters a tenant (OrchardCore's ShellScope): a fresh DI scope with the tenant set, for one
/// tenant or once per active tenant. A workspace's queued job enters its tenant through <see cref="TenantJobActivator"/>.
/// Features never switch the tenant context themselves.
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
