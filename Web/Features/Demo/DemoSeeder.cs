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
internal sealed class StartupSeeder(IServiceScopeFactory scopes, Infrastructure.Jobs.TenantScopes tenantScopes, IOptions<ParleyOptions> options, IHostEnvironment env, ILogger<StartupSeeder> log) : IHostedService
{
    public const string DemoSlug = "demo";
    public const string DemoEmail = "owner@demo.parley.example";

    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await PlanCatalog.SeedAsync(db, ct);
        // A demo account with a printed password has no place on a public server unless asked for.
        if (!(options.Value.SeedDemo ?? env.IsDevelopment())) return;

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
        await scope.ServiceProvider.GetRequiredService<Infrastructure.Tenancy.TenantStore>().CreateAsync(owner.Id, "Demo Company", DemoSlug, ct);
        var botId = await SeedBotAsync(ct);
        var widget = new UriBuilder(options.Value.PublicBaseUrl) { Path = $"/widget/{botId}" }.Uri;

        Console.WriteLine($"""

            ================================================================
             Parley demo workspace: {url}
             Sign in as {DemoEmail} with password {password}
             Chat with its bot, trained on Parley's guide: {widget}
            ================================================================

            """);
    }

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
