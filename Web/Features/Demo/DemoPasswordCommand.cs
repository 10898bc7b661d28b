using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;
using Parley.Infrastructure;

namespace Parley.Features.Demo;

/// <summary>
/// <c>dotnet run --project Web -- demo-password</c>: gives the demo owner a fresh password and prints it, for when the
/// one printed at first start is lost. Every session the demo owner had ends.
/// </summary>
public static class DemoPasswordCommand
{
    public static async Task<bool> TryRunAsync(string[] args)
    {
        if (args is not ["demo-password", ..]) return false;
        var app = ParleyHost.Build(args[1..]);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        AppUser? owner;
        try { owner = await users.FindByEmailAsync(StartupSeeder.DemoEmail); }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine($"The database is not ready ({e.Message}). Start Parley once with: dotnet run --project Web");
            Environment.ExitCode = 1;
            return true;
        }
        if (owner is null)
        {
            Console.Error.WriteLine("There is no demo workspace in this database. It is created at the first start in Development: dotnet run --project Web");
            Environment.ExitCode = 1;
            return true;
        }
        var password = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await users.RemovePasswordAsync(owner);
        var set = await users.AddPasswordAsync(owner, password); // moves the security stamp: old sessions end
        await users.SetLockoutEndDateAsync(owner, null);
        if (!set.Succeeded) throw new InvalidOperationException(string.Join("; ", set.Errors.Select(e => e.Description)));
        await scope.ServiceProvider.GetRequiredService<Infrastructure.Security.UserSessions>().RevokeAllAsync(owner.Id, default);
        Console.WriteLine($"Demo owner {StartupSeeder.DemoEmail} now signs in with: {password}");
        return true;
    }
}
