using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
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
        builder.Services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());
        builder.Services.AddDbContext<AppDbContext>((sp, o) => Configure(o, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, builder.Environment.ContentRootPath));
        builder.Services.AddSingleton<SchemaRunner>();
        builder.Services.AddHostedService<SchemaStartup>();

        builder.Services.AddSingleton<IXmlRepository, DatabaseXmlRepository>();
        builder.Services.AddDataProtection().SetApplicationName("Parley");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IXmlRepository>((o, repo) => o.XmlRepository = repo);
        return builder;
    }

    public static void Configure(DbContextOptionsBuilder o, DatabaseOptions db, string contentRoot)
    {
        if (db.Provider == DatabaseProvider.Postgres)
            o.UseNpgsql(db.ConnectionString);
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

/// <summary>Keeps Data Protection keys in the database so every instance decrypts every other instance's cookies.</summary>
internal sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<System.Xml.Linq.XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToList()
            .Select(x => System.Xml.Linq.XElement.Parse(x)).ToList();
    }

    public void StoreElement(System.Xml.Linq.XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(System.Xml.Linq.SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
