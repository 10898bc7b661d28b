using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Features.Accounts;
using Parley.Features.Plans;
using Parley.Features.Workspaces;
using Parley.Infrastructure;

namespace Parley.Features.Demo;

public static class DemoSetup
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<StartupSeeder>();
        return builder;
    }
}

/// <summary>Seeds the plans on every start, and on first start the demo workspace whose owner's sign-in it prints.</summary>
internal sealed class StartupSeeder(IServiceScopeFactory scopes, IOptions<ParleyOptions> options, ILogger<StartupSeeder> log) : IHostedService
{
    public const string DemoSlug = "demo";
    public const string DemoEmail = "owner@demo.parley.example";

    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await PlanCatalog.SeedAsync(db, ct);
        if (!options.Value.SeedDemo) return;

        var url = new UriBuilder(options.Value.PublicBaseUrl) { Host = $"{DemoSlug}.{options.Value.AppDomain}" }.Uri.ToString().TrimEnd('/');
        if (await db.Tenants.AnyAsync(t => t.Slug == DemoSlug, ct))
        {
            log.LogInformation("Demo workspace: {Url} (owner {Email}; the password was printed at first start)", url, DemoEmail);
            return;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var password = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var owner = new AppUser { UserName = DemoEmail, Email = DemoEmail, EmailConfirmed = true, FullName = "Demo Owner" };
        var created = await users.CreateAsync(owner, password);
        if (!created.Succeeded) throw new InvalidOperationException("Could not create the demo owner: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        await scope.ServiceProvider.GetRequiredService<WorkspaceService>().CreateAsync(owner.Id, "Demo Company", DemoSlug, ct);

        Console.WriteLine($"""

            ================================================================
             Parley demo workspace: {url}
             Sign in as {DemoEmail} with password {password}
            ================================================================

            """);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
