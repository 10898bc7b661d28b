using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Data;

public static class DataSetup
{
    public static IHostApplicationBuilder AddParleyData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddScoped<Tenancy.TenantStore>();
        builder.Services.AddScoped<Tenancy.TenantCache>();
        var cache = builder.Configuration.GetSection(Tenancy.CacheOptions.Section).Get<Tenancy.CacheOptions>() ?? new Tenancy.CacheOptions();
        builder.Services.AddMemoryCache(o => o.SizeLimit = cache.Megabytes * 1024L * 1024L);
        builder.Services.AddHybridCache(o => o.MaximumPayloadBytes = 256 * 1024);
        builder.Services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());
        builder.Services.AddDbContext<AppDbContext>((sp, o) =>
        {
            Configure(o, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, builder.Environment.ContentRootPath);
            // EF interceptors registered as services join every context (none by default; the fault tests add one).
            o.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>());
        });
        builder.Services.AddSingleton<SchemaRunner>();
        builder.Services.AddHostedService<SchemaStartup>();

        // Keys live in the database, so every instance decrypts every other instance's cookies and tickets.
        builder.Services.AddDataProtection().SetApplicationName("Parley").PersistKeysToDbContext<AppDbContext>();
        return builder;
    }

    public static void Configure(DbContextOptionsBuilder o, DatabaseOptions db, string contentRoot)
    {
        if (db.Provider == DatabaseProvider.Postgres)
            // Transient failures (a failover, a dropped connection) are retried; explicit transactions run inside the
            // execution strategy (CreateExecutionStrategy().ExecuteAsync) so a retry repeats the whole unit.
            o.UseNpgsql(db.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 4, maxRetryDelay: TimeSpan.FromSeconds(5), errorCodesToAdd: null));
        else
            o.UseSqlite(SqliteConnectionString(db.ConnectionString, contentRoot));
    }

    /// <summary>Resolves a relative SQLite path against the content root and makes sure its folder exists.</summary>
    public static string SqliteConnectionString(string connectionString, string contentRoot)
    {
        var csb = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource != ":memory:" && !Path.IsPathRooted(csb.DataSource))
            csb.DataSource = Path.Combine(contentRoot, csb.DataSource);
        if (Path.GetDirectoryName(csb.DataSource) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        csb.DefaultTimeout = 30;
        return csb.ToString();
    }
}

/// <summary>Applies the schema scripts before the app takes requests (hosted services start before Kestrel).</summary>
internal sealed class SchemaStartup(SchemaRunner runner) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => runner.ApplyAsync(ct);
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
