using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Infrastructure;
using System.Data.Common;

namespace Parley.Tests.Features.Data;

/// <summary>The numbered scripts must build exactly the schema the EF model describes, on both providers.</summary>
public abstract class SchemaTests
{
    protected abstract DatabaseProvider Provider { get; }
    protected abstract Task<DbConnection> NewDatabaseAsync();
    protected abstract Task<List<string>> DescribeAsync(DbConnection conn);

    [Fact]
    public async Task Scripts_build_the_same_schema_as_the_model()
    {
        await using var fromScripts = await NewDatabaseAsync();
        foreach (var script in SchemaRunner.Scripts(Provider)) await ExecAsync(fromScripts, script.Sql);
        await using var fromModel = await NewDatabaseAsync();
        await ExecAsync(fromModel, SchemaScript.Generate(Provider));

        var expected = await DescribeAsync(fromModel);
        var actual = await DescribeAsync(fromScripts);
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"The schema scripts and the EF model differ. Write the next script in Web/Infrastructure/Data/Schema/{Provider.ToString().ToLowerInvariant()}/.\n" +
            $"In the model, not the scripts:\n  {string.Join("\n  ", missing)}\nIn the scripts, not the model:\n  {string.Join("\n  ", extra)}");
    }

    [Fact]
    public void Scripts_are_numbered_without_gaps()
    {
        var versions = SchemaRunner.Scripts(Provider).Select(s => s.Version).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    /// <summary>Old conversation rows, written as schema 0019 had them (parents skipped: foreign keys are off for the test).</summary>
    protected abstract string OldRows { get; }

    [Fact]
    public async Task Schema_0020_moves_old_conversation_flags_into_the_state_machine()
    {
        await using var conn = await NewDatabaseAsync();
        foreach (var script in SchemaRunner.Scripts(Provider).Where(s => s.Version < 20)) await ExecAsync(conn, script.Sql);
        await ExecAsync(conn, OldRows);
        await ExecAsync(conn, SchemaRunner.Scripts(Provider).Single(s => s.Version == 20).Sql);
        var rows = await RowsAsync(conn, """SELECT "Title", "Status", "Responder", "WaitingSince" IS NOT NULL, "ResolvedAt" IS NOT NULL, "LastIncomingAt" IS NOT NULL FROM "Conversations" ORDER BY "Title" """);
        static string Flags(string row) => string.Join(" | ", row.Split(" | ").Select(v => v switch { "0" => "False", "1" => "True", _ => v })); // SQLite answers 0/1
        Assert.Equal(["archived | Resolved | Bot | False | True | False", "bot | Open | Bot | False | False | False", "human | Pending | Human | True | False | True", "resolved | Resolved | Human | False | True | False"],
            rows.Select(Flags));
        Assert.Equal(["Activity", "User"], (await RowsAsync(conn, """SELECT "Role" FROM "Messages" ORDER BY "Role" """)));
    }

    protected static async Task ExecAsync(DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Four conversations (bot, waiting for a person, resolved, archived) and two messages, in a provider's literals.</summary>
    protected static string Rows(string no, string yes, string at)
    {
        string Row(Guid id, string title, string mode, string escalated, string resolved, string archived) =>
            $"""INSERT INTO "Conversations" ("Id", "TenantId", "ChatbotId", "VisitorId", "Channel", "Mode", "Title", "Escalated", "Resolved", "Archived", "MessageCount", "PositiveCount", "NegativeCount", "CreatedAt", "LastMessageAt", "EscalatedAt") VALUES ('{id}', '{Guid.Empty}', '{Guid.Empty}', '{Guid.Empty}', 'Widget', '{mode}', '{title}', {escalated}, {resolved}, {archived}, 1, 0, 0, {at}, {at}, {(escalated == yes ? at : "NULL")});""";
        string Message(Guid conversation, string role) =>
            $"""INSERT INTO "Messages" ("PublicId", "TenantId", "ConversationId", "ChatbotId", "Role", "Status", "Content", "TokensIn", "TokensOut", "Reaction", "CreatedAt") VALUES ('{Guid.NewGuid()}', '{Guid.Empty}', '{conversation}', '{Guid.Empty}', '{role}', 'Complete', 'Text', 0, 0, 'None', {at});""";
        var human = Guid.NewGuid();
        return string.Join("\n", Row(Guid.NewGuid(), "bot", "AI", no, no, no), Row(Guid.NewGuid(), "resolved", "Human", yes, yes, no), Row(Guid.NewGuid(), "archived", "AI", no, no, yes),
            Row(human, "human", "Human", yes, no, no), Message(human, "User"), Message(human, "System"));
    }

    protected static async Task<List<string>> RowsAsync(DbConnection conn, string sql)
    {
        var rows = new List<string>();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : r.GetValue(i).ToString())));
        return rows;
    }
}

public sealed class SchemaTests_Sqlite : SchemaTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    protected override string OldRows => "PRAGMA foreign_keys = OFF;\n" + Rows("0", "1", "638000000000000000");

    protected override async Task<DbConnection> NewDatabaseAsync()
    {
        var conn = new SqliteConnection("Data Source=:memory:");
        await conn.OpenAsync();
        return conn;
    }

    protected override async Task<List<string>> DescribeAsync(DbConnection conn)
    {
        var rows = await RowsAsync(conn, """
            SELECT 'column', m.name, p.name, p.type, p."notnull", p.pk, coalesce(p.dflt_value, '')
            FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__parley_schema' AND m.name NOT LIKE 'ChunksFts%'
            """);
        rows.AddRange(await RowsAsync(conn, "SELECT 'index', tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"));
        rows.AddRange(await RowsAsync(conn, """
            SELECT 'fk', m.name, f."table", f."from", f."to", f.on_delete
            FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT LIKE 'ChunksFts%'
            """));
        return rows.Order().ToList();
    }
}

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class SchemaTests_Postgres : SchemaTests, IAsyncLifetime
{
    private readonly List<string> databases = [];
    private static string Server => Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES")
        ?? throw new InvalidOperationException("PARLEY_TEST_POSTGRES is not set.");

    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    protected override string OldRows => "SET session_replication_role = replica;\n" + Rows("false", "true", "'2026-11-01T10:00:00Z'");

    protected override async Task<DbConnection> NewDatabaseAsync()
    {
        var name = "parley_schema_" + Guid.NewGuid().ToString("n")[..12];
        await using (var admin = new NpgsqlConnection(Server))
        {
            await admin.OpenAsync();
            await ExecAsync(admin, $"CREATE DATABASE {name}");
        }
        databases.Add(name);
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = name, Pooling = false }.ToString());
        await conn.OpenAsync();
        return conn;
    }

    protected override async Task<List<string>> DescribeAsync(DbConnection conn)
    {
        var rows = await RowsAsync(conn, """
            SELECT 'column', table_name, column_name, data_type, is_nullable, coalesce(character_maximum_length, 0), coalesce(numeric_precision, 0), coalesce(column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__parley_schema'
            """);
        rows.AddRange(await RowsAsync(conn, "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__parley_schema'"));
        rows.AddRange(await RowsAsync(conn, """
            SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            """));
        return rows.Order().ToList();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var admin = new NpgsqlConnection(Server);
        await admin.OpenAsync();
        foreach (var db in databases) await ExecAsync(admin, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
    }
}
