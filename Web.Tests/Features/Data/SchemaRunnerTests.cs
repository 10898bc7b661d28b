using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Infrastructure;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Features.Data;

/// <summary>Several instances starting together apply each script once; a restart applies nothing.</summary>
public abstract class SchemaRunnerTests
{
    protected abstract DatabaseOptions NewDatabase();

    private static SchemaRunner Runner(DatabaseOptions db)
    {
        var services = new ServiceCollection();
        services.AddScoped<ITenantContext, TenantContext>();
        services.AddDbContext<AppDbContext>(o => DataSetup.Configure(o, db, Path.GetTempPath()));
        var provider = services.BuildServiceProvider();
        return new SchemaRunner(provider.GetRequiredService<IServiceScopeFactory>(), Options.Create(db), NullLogger<SchemaRunner>.Instance);
    }

    [Fact]
    public async Task Concurrent_starts_apply_each_script_exactly_once()
    {
        var db = NewDatabase();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Runner(db).ApplyAsync())));
        await Runner(db).ApplyAsync(); // a restart finds nothing to do

        var services = new ServiceCollection();
        services.AddScoped<ITenantContext, TenantContext>();
        services.AddDbContext<AppDbContext>(o => DataSetup.Configure(o, db, Path.GetTempPath()));
        await using var sp = services.BuildServiceProvider();
        await using var scope = sp.CreateAsyncScope();
        var ctx = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var applied = await ctx.Database.SqlQueryRaw<int>($"SELECT version AS \"Value\" FROM {SchemaRunner.HistoryTable}").ToListAsync();
        Assert.Equal(SchemaRunner.Scripts(db.Provider).Select(s => s.Version), applied.Order());
        Assert.Equal(0, await ctx.Tenants.CountAsync()); // the schema is usable
    }
}

public sealed class SchemaRunnerTests_Sqlite : SchemaRunnerTests
{
    protected override DatabaseOptions NewDatabase() => new()
    {
        Provider = DatabaseProvider.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(Path.GetTempPath(), $"parley-runner-{Guid.NewGuid():n}.db")}",
    };
}

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class SchemaRunnerTests_Postgres : SchemaRunnerTests
{
    protected override DatabaseOptions NewDatabase()
    {
        var server = Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES") ?? throw new InvalidOperationException("PARLEY_TEST_POSTGRES is not set.");
        var name = "parley_runner_" + Guid.NewGuid().ToString("n")[..12];
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            cmd.ExecuteNonQuery();
        }
        return new() { Provider = DatabaseProvider.Postgres, ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString() };
    }
}
