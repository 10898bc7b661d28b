using System.Linq.Expressions;
using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Hangfire.States;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Jobs;

/// <summary>
/// A job queued for one workspace carries the workspace's id as a Hangfire job parameter, not as a method argument. On
/// the server, <see cref="TenantJobFilter"/> skips the job when the workspace is gone or suspended, and
/// <see cref="TenantJobActivator"/> builds the job inside the workspace: the job's services see that tenant, and the
/// job itself never opens a tenant scope.
/// </summary>
public static class TenantJobs
{
    public const string Parameter = "TenantId";

    /// <summary>Queues <paramref name="call"/> for the workspace, now or at a time.</summary>
    public static string Enqueue<T>(IBackgroundJobClient jobs, Guid tenantId, Expression<Func<T, Task>> call, DateTimeOffset? at = null)
    {
        IState state = at is { } when ? new ScheduledState(when.UtcDateTime) : new EnqueuedState();
        var parameters = new Dictionary<string, object> { [Parameter] = tenantId };
        return jobs is IBackgroundJobClientV2 v2
            ? v2.Create(Job.FromExpression(call), state, parameters)
            : throw new InvalidOperationException("Hangfire's client does not take job parameters.");
    }

    public static Guid? TenantOf(PerformContext context) => context.GetJobParameter<Guid?>(Parameter);
}

/// <summary>Skips a workspace's job when the workspace is gone or suspended (its data stays; nothing runs for it).</summary>
internal sealed class TenantJobFilter(IServiceScopeFactory scopes, ILogger<TenantJobFilter> log) : IServerFilter
{
    public void OnPerforming(PerformingContext context)
    {
        if (context.GetJobParameter<Guid?>(TenantJobs.Parameter) is not { } tenantId) return;
        using var scope = scopes.CreateScope();
        var status = scope.ServiceProvider.GetRequiredService<AppDbContext>().Tenants.AsNoTracking()
            .Where(t => t.Id == tenantId).Select(t => (TenantStatus?)t.Status).FirstOrDefault();
        if (status == TenantStatus.Active) return;
        log.LogWarning("Skipped job {JobId} ({Job}) for tenant {TenantId}: the tenant is gone or suspended",
            context.BackgroundJob.Id, context.BackgroundJob.Job.Method.Name, tenantId);
        context.Canceled = true;
    }

    public void OnPerformed(PerformedContext context) { }
}

/// <summary>
/// This app's services build its jobs (Hangfire's default activator is process-wide: with several apps in one process a
/// job could be built from another app's services); a workspace's job is built in a scope that has entered it.
/// </summary>
internal sealed class TenantJobActivator(IServiceScopeFactory scopes) : Hangfire.AspNetCore.AspNetCoreJobActivator(scopes)
{
    public override JobActivatorScope BeginScope(JobActivatorContext context)
    {
        var scope = base.BeginScope(context);
        if (context.GetJobParameter<Guid?>(TenantJobs.Parameter) is { } tenantId)
        {
            var db = (AppDbContext)scope.Resolve(typeof(AppDbContext));
            var tenant = db.Tenants.AsNoTracking().First(t => t.Id == tenantId); // the filter has checked it exists
            ((ITenantContext)scope.Resolve(typeof(ITenantContext))).Use(tenant);
        }
        return scope;
    }
}
