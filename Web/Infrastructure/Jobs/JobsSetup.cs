using Microsoft.Extensions.Options;
using Quartz;

namespace Parley.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>Quartz with a persistent store on the app's own database; clustered on PostgreSQL.</summary>
    public static IHostApplicationBuilder AddParleyJobs(this IHostApplicationBuilder builder)
    {
        var db = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton<TenantScopes>();
        builder.Services.AddQuartz(q =>
        {
            // On shutdown running jobs are asked to stop (and waited for); a job that asks for recovery is handed back
            // and runs again at the next start, which is how a long ingestion resumes after a deploy.
            q.ConfigureScheduler(o => { o.InstanceName = "Parley"; o.GenerateInstanceId = true; o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs; });
            q.UseDefaultThreadPool(tp => tp.MaxConcurrency = 4);
            q.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
                store.ConfigureStore(o => o.RecoverFiringsCancelledByShutdown = true);
                if (db.Provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(db.ConnectionString);
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(10));
                }
                else
                {
                    store.UseSqlite(DataSetup.SqliteConnectionString(db.ConnectionString, contentRoot));
                }
            });
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}

/// <summary>
/// Base for jobs that work inside one tenant: opens a scope, sets the tenant, and logs a failure with the
/// tenant and job so one tenant's bad data never hides behind another's.
/// </summary>
public abstract class TenantJob(IServiceScopeFactory scopes, ILogger logger) : IJob
{
    public const string TenantKey = "tenantId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var tenantId = Guid.Parse(context.MergedJobDataMap.GetString(TenantKey)!);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.FindAsync([tenantId], cancellationToken);
        if (tenant is null || tenant.Status != Features.Workspaces.TenantStatus.Active)
        {
            logger.LogWarning("Skipped job {Job} for tenant {TenantId}: the tenant is gone or suspended", context.JobDetail.Key, tenantId);
            return;
        }
        using var _ = scope.ServiceProvider.GetRequiredService<Tenancy.ITenantContext>().Use(tenant);
        using var logScope = logger.BeginScope(new Dictionary<string, object> { ["TenantId"] = tenantId, ["Job"] = context.JobDetail.Key.ToString() });
        try
        {
            // Interrupting the job (as the host does when stopping) cancels context.CancellationToken.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);
            await ExecuteForTenant(context, scope.ServiceProvider, linked.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Job {Job} failed for tenant {TenantId}", context.JobDetail.Key, tenantId);
            throw new JobExecutionException(e);
        }
    }

    protected abstract Task ExecuteForTenant(IJobExecutionContext context, IServiceProvider services, CancellationToken ct);
}
