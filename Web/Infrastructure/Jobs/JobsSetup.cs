using System.Linq.Expressions;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;

namespace Parley.Infrastructure.Jobs;

public class JobsOptions
{
    public const string Section = "Parley:Jobs";
    /// <summary>Whether this instance runs jobs (every instance can queue them). Tests turn it off for a bystander instance.</summary>
    public bool RunServer { get; set; } = true;
    public int Workers { get; set; } = 4;
}

/// <summary>
/// Hangfire with durable storage: SQLite (a jobs file beside the app database) embedded, PostgreSQL (its own schema)
/// on servers, where several instances share one queue and each job runs once. Jobs survive restarts; a job stopped by a
/// shutdown is handed back and runs again at the next start. Parley's jobs retry by their own rules, so Hangfire's
/// automatic retry is off; recurring jobs are registered by features with <see cref="AddRecurringJob{T}"/>.
/// </summary>
public static class JobsSetup
{
    public static IHostApplicationBuilder AddParleyJobs(this IHostApplicationBuilder builder)
    {
        var db = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var jobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section);
        builder.Services.AddSingleton<TenantScopes>();
        // The app's own store, registered before Hangfire's default (which reads the process-wide JobStorage.Current):
        // with several apps in one process, as in the tests, each keeps to its own database. Hangfire's settings are
        // applied (IGlobalConfiguration) before the store is made, so it logs through this app's loggers.
        builder.Services.AddSingleton<JobStorage>(sp =>
        {
            sp.GetRequiredService<IGlobalConfiguration>();
            return db.Provider == DatabaseProvider.Postgres
                ? new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(JobsConnectionString(db.ConnectionString), PostgresOptions), PostgresOptions)
                : new SQLiteStorage(JobsDatabase(db.ConnectionString, contentRoot), new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(1) });
        });
        // Filters of this app (Hangfire's global filter list is process-wide), before Hangfire's default provider.
        builder.Services.AddSingleton<TenantJobFilter>();
        builder.Services.AddSingleton<Hangfire.Common.IJobFilterProvider>(sp =>
            new Hangfire.Common.JobFilterProviderCollection(Hangfire.Common.JobFilterProviders.Providers.ToArray().Append(new AppFilters(sp.GetRequiredService<TenantJobFilter>())).ToArray()));
        builder.Services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogs(sp.GetRequiredService<ILoggerFactory>()))
            .UseFilter(new AutomaticRetryAttribute { Attempts = 0 }));
        if (jobs.RunServer)
            builder.Services.AddHangfireServer((sp, o) =>
            {
                o.Activator = new TenantJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
                o.FilterProvider = sp.GetRequiredService<Hangfire.Common.IJobFilterProvider>();
                o.WorkerCount = Math.Max(1, jobs.Workers);
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                o.ShutdownTimeout = TimeSpan.FromSeconds(20);
            });
        builder.Services.AddHostedService<RecurringJobsRegistrar>();
        return builder;
    }

    private static readonly PostgreSqlStorageOptions PostgresOptions = new()
    {
        SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(1),
        InvisibilityTimeout = TimeSpan.FromMinutes(10), // a job whose instance died is handed to another after this
    };

    /// <summary>A job Hangfire runs on a schedule (cron with seconds allowed: "*/30 * * * * *").</summary>
    public static IServiceCollection AddRecurringJob<T>(this IServiceCollection services, string id, Expression<Func<T, Task>> call, Func<IServiceProvider, string> cron) =>
        services.AddSingleton(new RecurringJobRegistration((manager, sp) => manager.AddOrUpdate(id, call, cron(sp), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc })));

    /// <summary>
    /// Hangfire's PostgreSQL connections come from a pool of their own (a connection string of its own), so busy
    /// requests never starve the job server of connections, nor the job server the requests.
    /// </summary>
    public static string JobsConnectionString(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "parley-jobs", MaxPoolSize = 10 }.ConnectionString;

    /// <summary>Hangfire's SQLite file: the app database's name with ".jobs" before the extension, in the same folder.</summary>
    public static string JobsDatabase(string connectionString, string contentRoot)
    {
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(DataSetup.SqliteConnectionString(connectionString, contentRoot)).DataSource;
        return Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + ".jobs" + Path.GetExtension(path));
    }
}

/// <summary>
/// Hangfire's logging is process-wide; this provider sends it to the app's loggers and stays quiet if that app is
/// already gone (several apps share a process in the tests).
/// </summary>
internal sealed class HangfireLogs(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider inner = new(factory);

    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try { return inner.GetLogger(name); }
        catch (ObjectDisposedException) { return Quiet.Instance; }
    }

    private sealed class Quiet : Hangfire.Logging.ILog
    {
        public static readonly Quiet Instance = new();
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}

/// <summary>This app's own job filters, alongside Hangfire's global ones.</summary>
internal sealed class AppFilters(params object[] filters) : Hangfire.Common.IJobFilterProvider
{
    public IEnumerable<Hangfire.Common.JobFilter> GetFilters(Hangfire.Common.Job job) =>
        filters.Select(f => new Hangfire.Common.JobFilter(f, Hangfire.Common.JobFilterScope.Global, null));
}

public sealed record RecurringJobRegistration(Action<IRecurringJobManager, IServiceProvider> Register);

/// <summary>Puts every feature's recurring jobs in the store at start (idempotent: AddOrUpdate by id).</summary>
internal sealed class RecurringJobsRegistrar(IEnumerable<RecurringJobRegistration> registrations, IRecurringJobManager manager, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        foreach (var r in registrations) r.Register(manager, services);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
