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
internal sealed class StartupSeeder(IServiceScopeFactory scopes, Infrastructure.Jobs.TenantScopes tenantScopes, IOptions<ParleyOptions> options, IHostEnvironment env,
    IHostApplicationLifetime lifetime, Microsoft.AspNetCore.Hosting.Server.IServer server, ILogger<StartupSeeder> log) : IHostedService
{
    public const string DemoSlug = "demo";
    public const string DemoEmail = "owner@demo.parley.example";

    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await PlanCatalog.SeedAsync(db, ct);
        await Billing.BillingCatalog.SeedAsync(db, ct);
        // A demo account with a printed password has no place on a public server unless asked for.
        if (!(options.Value.SeedDemo ?? env.IsDevelopment())) return;

        if (await db.Tenants.AnyAsync(t => t.Slug == DemoSlug, ct))
        {
            WhenListening(root => log.LogInformation("Demo workspace: {Url} (owner {Email}; a new password: dotnet run --project Web -- demo-password)",
                DemoUrl(root), DemoEmail));
            return;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var password = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var owner = new AppUser { UserName = DemoEmail, Email = DemoEmail, EmailConfirmed = true, FullName = "Demo Owner" };
        var created = await users.CreateAsync(owner, password);
        if (!created.Succeeded) throw new InvalidOperationException("Could not create the demo owner: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        await scope.ServiceProvider.GetRequiredService<Infrastructure.Tenancy.TenantStore>().CreateAsync(owner.Id, "Demo Company", DemoSlug, ct);
        var botId = await SeedBotAsync(ct);
        WhenListening(root => Console.WriteLine($"""

            ================================================================
             Parley demo workspace: {DemoUrl(root)}
             Sign in as {DemoEmail} with password {password}
             Chat with its bot, trained on Parley's guide: {root}/widget/{botId}
            ================================================================

            """));
    }

    /// <summary>Runs once the server listens, with the root URL it actually bound (port included), not the configured one.</summary>
    private void WhenListening(Action<string> print) => lifetime.ApplicationStarted.Register(() =>
    {
        var bound = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var configured = new Uri(options.Value.PublicBaseUrl);
        var port = bound is not null && Uri.TryCreate(bound.Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var b) ? b.Port : configured.Port;
        var scheme = bound is not null && bound.StartsWith("https") ? "https" : configured.Scheme;
        print($"{scheme}://{options.Value.AppDomain}{(port is 80 or 443 ? "" : $":{port}")}");
    });

    private string DemoUrl(string root) => root.Replace("://", $"://{DemoSlug}.");

    /// <summary>A bot in the demo workspace that knows Parley's own guide, so the widget answers from the first minute.</summary>
    private async Task<string> SeedBotAsync(CancellationToken ct)
    {
        Workspaces.Tenant tenant;
        await using (var lookup = scopes.CreateAsyncScope())
            tenant = await lookup.ServiceProvider.GetRequiredService<AppDbContext>().Tenants.AsNoTracking().FirstAsync(t => t.Slug == DemoSlug, ct);
        return await tenantScopes.RunAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var bot = new Bots.Chatbot { Name = "Parley helper", Description = "Parley, its features and plans", Type = Bots.BotType.Support, CreatedAt = DateTimeOffset.UtcNow };
            db.Chatbots.Add(bot);
            await db.SaveChangesAsync(ct);
            var guide = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Features", "Demo", "parley-guide.md"), ct);
            var (_, problem) = await sp.GetRequiredService<Knowledge.Sources.SourceService>().AddTextAsync(bot, "Parley guide", guide, ct);
            if (problem is not null) log.LogWarning("The demo bot's guide was not added: {Problem}", problem);
            return bot.PublicId;
        });
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
