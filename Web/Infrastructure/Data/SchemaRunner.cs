using System.Data.Common;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Parley.Infrastructure.Data;

/// <summary>
/// Applies the versioned SQL scripts under Infrastructure/Data/Schema/{provider}/ in order, each once,
/// inside one transaction that holds a database-wide lock so instances starting together apply them once.
/// </summary>
public sealed class SchemaRunner(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<SchemaRunner> log)
{
    public const string HistoryTable = "__parley_schema";
    private const long PostgresLockKey = 0x5041524C4559; // "PARLEY"

    public record Script(int Version, string Name, string Sql);

    public static IReadOnlyList<Script> Scripts(DatabaseProvider provider)
    {
        var prefix = $"Parley.Schema.{provider.ToString().ToLowerInvariant()}.";
        var asm = typeof(SchemaRunner).Assembly;
        return asm.GetManifestResourceNames()
            .Select(n => (resource: n, name: n.Replace('/', '.').Replace('\\', '.')))
            .Where(n => n.name.StartsWith(prefix) && n.name.EndsWith(".sql"))
            .Select(n =>
            {
                var file = n.name[prefix.Length..^4];
                using var reader = new StreamReader(asm.GetManifestResourceStream(n.resource)!);
                return new Script(int.Parse(file[..4]), file, reader.ReadToEnd());
            })
            .OrderBy(s => s.Version).ToList();
    }

    public async Task ApplyAsync(CancellationToken ct = default)
    {
        var provider = options.Value.Provider;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync(ct);
        try
        {
            if (provider == DatabaseProvider.Sqlite)
                await ExecAsync(conn, null, "PRAGMA journal_mode=WAL;", ct);
            // SQLite: BEGIN IMMEDIATE takes the write lock at once. PostgreSQL: an advisory lock held to commit.
            await using var tx = provider == DatabaseProvider.Sqlite
                ? await BeginImmediateAsync(conn, ct)
                : await conn.BeginTransactionAsync(ct);
            if (provider == DatabaseProvider.Postgres)
                await ExecAsync(conn, tx, $"SELECT pg_advisory_xact_lock({PostgresLockKey});", ct);
            await ExecAsync(conn, tx, $"CREATE TABLE IF NOT EXISTS {HistoryTable} (version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at VARCHAR(40) NOT NULL);", ct);

            var applied = new HashSet<int>();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT version FROM {HistoryTable}";
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) applied.Add(Convert.ToInt32(r.GetValue(0)));
            }
            foreach (var script in Scripts(provider).Where(s => !applied.Contains(s.Version)))
            {
                log.LogInformation("Applying schema script {Script} on {Provider}", script.Name, provider);
                await ExecAsync(conn, tx, script.Sql, ct);
                await ExecAsync(conn, tx, $"INSERT INTO {HistoryTable} (version, name, applied_at) VALUES ({script.Version}, '{script.Name}', '{DateTimeOffset.UtcNow:O}');", ct);
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            await conn.CloseAsync();
        }
    }

    private static async Task<DbTransaction> BeginImmediateAsync(DbConnection conn, CancellationToken ct)
    {
        var sqlite = (Microsoft.Data.Sqlite.SqliteConnection)conn;
        return await Task.Run(() => sqlite.BeginTransaction(deferred: false), ct);
    }

    private static async Task ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 120;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
