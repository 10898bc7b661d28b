using Parley.Features.Workspaces;

namespace Parley.Tests.Features.Tenancy;

/// <summary>
/// Memberships and plan limits are cached per instance, keyed by the workspace's CacheVersion: a change made on one
/// instance is seen by another on its very next request, because every request reads that version with the tenant row.
/// </summary>
public abstract class TenantCacheTests<TApp> where TApp : ParleyApp, new()
{
    [Fact]
    public async Task A_role_limit_or_removal_changed_on_one_instance_is_seen_by_another_at_once()
    {
        await using var one = new TApp();
        await one.InitializeAsync();
        await using var two = one.Twin();
        await two.InitializeAsync();

        var ws = await one.SignUpAsync();
        var agentEmail = await one.AddMemberAsync(ws.TenantId, Role.Agent);
        var agentOnTwo = await two.SignInAsync(ws.Slug, agentEmail);
        var ownerOnTwo = await two.SignInAsync(ws.Slug, ws.Email, ws.Password);

        // Instance two caches what it reads: the agent may not open the team page, the workspace has one bot.
        Assert.Contains("/account/access-denied", (await agentOnTwo.GetAsync("/team")).RedirectTarget() ?? "");
        Assert.Contains("/account/access-denied", (await agentOnTwo.GetAsync("/team")).RedirectTarget() ?? "");
        await ownerOnTwo.CreateBotAsync("Kettles");
        Assert.Contains("Your plan includes 1 chatbot", await (await ownerOnTwo.GetAsync("/bots")).TextAsync());

        // The owner promotes the agent on instance one: instance two lets the Manager in on the next request.
        var membershipId = await one.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters()
            .Where(m => m.TenantId == ws.TenantId && m.Role == Role.Agent).Select(m => m.Id).SingleAsync());
        Assert.Contains("Role changed.", await (await ws.Tenant.PostFormAsync("/team", $"/team?handler=Role&id={membershipId}", Http.Form(("role", "Manager")))).TextAsync());
        (await agentOnTwo.GetAsync("/team")).AssertStatus(HttpStatusCode.OK);

        // An upgrade written on instance one: instance two offers the second bot at once.
        await one.SetBotLimitAsync(ws.TenantId, 3);
        var bots = await (await ownerOnTwo.GetAsync("/bots")).TextAsync();
        Assert.DoesNotContain("Your plan includes", bots);
        Assert.Contains("New chatbot", bots);

        // Removed on instance one: out on instance two on the next request.
        await ws.Tenant.PostFormAsync("/team", $"/team?handler=Remove&id={membershipId}", []);
        (await agentOnTwo.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.NotFound);
    }
}

public sealed class TenantCacheTests_Sqlite : TenantCacheTests<SqliteApp>;

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class TenantCacheTests_Postgres : TenantCacheTests<PostgresApp>;
