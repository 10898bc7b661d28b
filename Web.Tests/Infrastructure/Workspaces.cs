using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;
using Parley.Infrastructure.Tenancy;

namespace Parley.Tests.Infrastructure;

public sealed record SignedUp(string Slug, string Email, string Password, HttpClient Root, HttpClient Tenant, Guid TenantId, Guid UserId);

public static class Workspaces
{
    public const string Password = "correct horse battery";

    public static string UniqueSlug(string prefix = "ws") => $"{prefix}-{Guid.NewGuid().ToString("n")[..10]}";

    /// <summary>Signs up through the real root-host form and follows the hand-over to the new subdomain.</summary>
    public static async Task<SignedUp> SignUpAsync(this ParleyApp app, string? slug = null)
    {
        slug ??= UniqueSlug();
        var email = $"{slug}@example.test";
        var root = app.Client();
        var response = await root.PostFormAsync("/signup", Http.Form(
            ("Input.FullName", "Ada Owner"), ("Input.Email", email), ("Input.Password", Password),
            ("Input.WorkspaceName", $"Workspace {slug}"), ("Input.Slug", slug)));
        var target = response.RedirectTarget() ?? throw new Xunit.Sdk.XunitException($"Sign-up did not redirect: {(int)response.StatusCode} {await response.BodyAsync()}");
        var tenant = app.Client($"{slug}.localhost");
        var landed = await tenant.GetAsync(new Uri(target).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        var ids = await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var t = await db.Tenants.SingleAsync(x => x.Slug == slug);
            var u = await db.Users.SingleAsync(x => x.Email == email);
            return (t.Id, u.Id);
        });
        return new SignedUp(slug, email, Password, root, tenant, ids.Item1, ids.Item2);
    }

    /// <summary>Adds an existing or new user to a workspace with a role, as an accepted invitation would.</summary>
    public static async Task<string> AddMemberAsync(this ParleyApp app, Guid tenantId, Role role, string? email = null)
    {
        email ??= $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid().ToString("n")[..8]}@example.test";
        await app.ScopedAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new AppUser { UserName = email, Email = email, FullName = $"{role} Person", EmailConfirmed = true };
                var created = await users.CreateAsync(user, Password);
                Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
            }
            var db = sp.GetRequiredService<AppDbContext>();
            var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId);
            using var _ = sp.GetRequiredService<ITenantContext>().Use(tenant);
            db.Memberships.Add(new Membership { UserId = user.Id, Role = role });
            await db.SaveChangesAsync();
            return 0;
        });
        return email;
    }

    /// <summary>Gives a workspace more seats, as an upgrade would (billing comes later).</summary>
    public static Task SetSeatsAsync(this ParleyApp app, Guid tenantId, int seats) => app.SetLimitAsync(tenantId, s => s.Limits.Seats, seats);

    /// <summary>Allows a workspace more chatbots, as an upgrade would.</summary>
    public static Task SetBotLimitAsync(this ParleyApp app, Guid tenantId, int bots) => app.SetLimitAsync(tenantId, s => s.Limits.Bots, bots);

    /// <summary>Changes one of a workspace's plan limits, as an upgrade or downgrade would.</summary>
    public static Task SetLimitAsync<T>(this ParleyApp app, Guid tenantId, System.Linq.Expressions.Expression<Func<Parley.Features.Plans.Subscription, T>> limit, T value) =>
        app.UpdateSubscriptionAsync(tenantId, u => u.SetProperty(limit, value));

    /// <summary>
    /// A bulk write to a workspace's subscription, as billing or an operator would make it: like every bulk write to a
    /// workspace's cached state, it moves the workspace's CacheVersion so every instance sees the change at once.
    /// </summary>
    public static Task UpdateSubscriptionAsync(this ParleyApp app, Guid tenantId, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Parley.Features.Plans.Subscription>> set) =>
        app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var rows = await db.Subscriptions.IgnoreQueryFilters().Where(s => s.TenantId == tenantId).ExecuteUpdateAsync(set);
            await db.TouchTenantAsync(tenantId);
            return rows;
        });

    /// <summary>Adds an Agent to the workspace, assigns them to the bot through the bot page, and signs them in.</summary>
    public static async Task<HttpClient> AgentOnBotAsync(this ParleyApp app, SignedUp ws, string botPublicId)
    {
        var email = await app.AddMemberAsync(ws.TenantId, Role.Agent);
        var userId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        await ws.Tenant.PostFormAsync($"/bots/{botPublicId}", $"/bots/{botPublicId}?handler=Assign", Http.Form(("users", userId.ToString())), htmx: false);
        return await app.SignInAsync(ws.Slug, email);
    }

    /// <summary>Signs in on a tenant host with the login form; returns the client that now holds that host's session.</summary>
    public static async Task<HttpClient> SignInAsync(this ParleyApp app, string slug, string email, string password = Password)
    {
        var client = app.Client($"{slug}.localhost");
        var response = await client.PostFormAsync("/account/login", Http.Form(("Input.Email", email), ("Input.Password", password)));
        Assert.True(response.RedirectTarget() == "/dashboard", $"Sign-in failed: {(int)response.StatusCode} {await response.BodyAsync()}");
        return client;
    }
}
