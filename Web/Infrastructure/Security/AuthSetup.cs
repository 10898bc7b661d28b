using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Features.Accounts;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Security;

public static class Policies
{
    public const string Member = "Member";
    public const string Manager = "Manager";
    public const string Admin = "Admin";
    public const string Owner = "Owner";
}

public static class AuthSetup
{
    /// <summary>Which host a session was issued on: a tenant id, or "root".</summary>
    public const string HostClaim = "parley:host";
    public const string RootHost = "root";
    public const string CookieName = "parley.session";

    public static IHostApplicationBuilder AddParleyAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.SignIn.RequireConfirmedEmail = false;
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<ParleyClaimsFactory>();

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = WorkspaceSession.ValidateAsync;
            o.Events.OnRedirectToLogin = ctx => HtmxAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => HtmxAwareRedirect(ctx, StatusCodes.Status403Forbidden);
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o => o.Cookie.Name = "parley.2fa");
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme, o => o.Cookie.Name = "parley.2fa-remember");
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddScoped<CurrentMember>();
        services.AddScoped<IAuthorizationHandler, RoleRequirementHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Member, p => p.AddRequirements(new RoleRequirement(Role.Agent)))
            .AddPolicy(Policies.Manager, p => p.AddRequirements(new RoleRequirement(Role.Manager)))
            .AddPolicy(Policies.Admin, p => p.AddRequirements(new RoleRequirement(Role.Admin)))
            .AddPolicy(Policies.Owner, p => p.AddRequirements(new RoleRequirement(Role.Owner)));
        services.AddSingleton<HandOverTickets>();
        return builder;
    }

    /// <summary>htmx follows a redirect inside the swap; HX-Redirect makes it a full navigation instead.</summary>
    private static Task HtmxAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Headers.ContainsKey("HX-Request"))
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Headers["HX-Redirect"] = ctx.RedirectUri;
            if (ctx.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        }
        else ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Adds the host a session belongs to and the user's display name.</summary>
public sealed class ParleyClaimsFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options, ITenantContext tenant)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AuthSetup.HostClaim, tenant.TenantId?.ToString() ?? AuthSetup.RootHost));
        identity.AddClaim(new Claim("name", user.FullName));
        return identity;
    }
}

/// <summary>The signed-in user's membership of the current workspace, loaded once per request.</summary>
public sealed class CurrentMember
{
    public Membership? Membership { get; set; }
    public Role? Role => Membership?.Role;
    public bool Is(Role atLeast) => Membership is { } m && m.Role <= atLeast;
}

/// <summary>
/// Runs on every authenticated request: a session is honoured only on the host it was issued for,
/// and on a tenant host only while the user is an active member, so a removed member is out at once.
/// </summary>
public static class WorkspaceSession
{
    public const string RejectedItem = "parley:session-rejected";

    public static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var http = ctx.HttpContext;
        var tenant = http.RequestServices.GetRequiredService<ITenantContext>();
        var expectedHost = tenant.TenantId?.ToString() ?? AuthSetup.RootHost;
        if (ctx.Principal?.FindFirstValue(AuthSetup.HostClaim) != expectedHost)
        {
            Reject(ctx);
            return;
        }
        var userId = Guid.Parse(ctx.Principal!.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var db = http.RequestServices.GetRequiredService<AppDbContext>();
        var status = await db.Users.Where(u => u.Id == userId).Select(u => (UserStatus?)u.Status).FirstOrDefaultAsync();
        if (status != UserStatus.Active)
        {
            Reject(ctx);
            return;
        }
        if (tenant.TenantId is not null)
        {
            var membership = await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.UserId == userId && m.LeftAt == null);
            if (membership is null)
            {
                Reject(ctx);
                return;
            }
            http.RequestServices.GetRequiredService<CurrentMember>().Membership = membership;
        }
        await SecurityStampValidator.ValidatePrincipalAsync(ctx);
    }

    private static void Reject(CookieValidatePrincipalContext ctx)
    {
        ctx.RejectPrincipal();
        ctx.HttpContext.Items[RejectedItem] = true;
        ctx.HttpContext.Response.Cookies.Delete(AuthSetup.CookieName);
    }
}

public sealed record RoleRequirement(Role AtLeast) : IAuthorizationRequirement;

public sealed class RoleRequirementHandler(CurrentMember member) : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (member.Is(requirement.AtLeast)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
