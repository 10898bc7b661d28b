using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Data;

/// <summary>
/// Writes the EF model's create script for a provider: the source of a new baseline, and of the
/// statements a new numbered script must add. Run: dotnet run --project Web -- schema-script sqlite|postgres
/// </summary>
public static class SchemaScript
{
    public static string Generate(DatabaseProvider provider)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = provider == DatabaseProvider.Postgres ? "Host=localhost" : "Data Source=:memory:",
        }, Path.GetTempPath());
        using var db = new AppDbContext(options.Options, new TenantContext());
        return db.Database.GenerateCreateScript();
    }

    public static bool TryRun(string[] args)
    {
        if (args is not ["schema-script", var provider]) return false;
        Console.Write(Generate(Enum.Parse<DatabaseProvider>(provider, ignoreCase: true)));
        return true;
    }
}
