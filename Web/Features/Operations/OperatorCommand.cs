using Parley.Infrastructure;

namespace Parley.Features.Operations;

/// <summary>
/// <c>dotnet run --project Web -- operator add EMAIL</c> (or <c>remove</c>): grants or takes back the platform operator
/// flag, which opens the jobs dashboard at /operations/jobs on the root host. Only someone with the server's shell can.
/// </summary>
public static class OperatorCommand
{
    public static async Task<bool> TryRunAsync(string[] args)
    {
        if (args is not ["operator", var verb, var email, ..]) return false;
        if (verb is not ("add" or "remove"))
        {
            Console.Error.WriteLine("Usage: dotnet run --project Web -- operator add|remove EMAIL");
            Environment.ExitCode = 2;
            return true;
        }
        var app = ParleyHost.Build(args[3..]);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var normalized = email.Trim().ToUpperInvariant();
        var changed = await db.Users.Where(u => u.NormalizedEmail == normalized).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsPlatformAdmin, verb == "add"));
        if (changed == 0)
        {
            Console.Error.WriteLine($"No account uses {email}. It must sign up first.");
            Environment.ExitCode = 1;
            return true;
        }
        Console.WriteLine(verb == "add" ? $"{email} is now a platform operator: /operations/jobs on the root host." : $"{email} is no longer a platform operator.");
        return true;
    }
}
