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
    /// <summary>How long a cookie lives without use (sliding).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(14);
    /// <summary>The server-side session (<see cref="UserSession"/>) a cookie belongs to.</summary>
    public const string SessionClaim = "parley:sid";

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
            o.ExpireTimeSpan = SessionLifetime;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = WorkspaceSession.ValidateAsync;
            o.Events.OnSigningIn = WorkspaceSession.SigningInAsync;
            o.Events.OnRedirectToLogin = ctx => HtmxAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => HtmxAwareRedirect(ctx, StatusCodes.Status403Forbidden);
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o => o.Cookie.Name = "parley.2fa");
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme, o => o.Cookie.Name = "parley.2fa-remember");

        services.AddScoped<CurrentMember>();
        services.AddScoped<UserSessions>();
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
        if (ctx.Request.IsHtmx())
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Htmx(h => h.Redirect(ctx.RedirectUri));
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

/// <summary>The signed-in user's membership of the current workspace, loaded once per request for a validated session only.</summary>
public sealed class CurrentMember
{
    public Membership? Membership { get; set; }
    public Role? Role => Membership?.Role;
    public bool Is(Role atLeast) => Membership is { } m && m.Role <= atLeast;
}

/// <summary>
/// Runs on every authenticated request, before anything trusts the cookie: a session is honoured only on the host it
/// was issued for, while its server-side record is not revoked, while the user is active and their security stamp is the
/// one the cookie carries (a password change or "sign out everywhere" ends every older cookie at once), and on a tenant
/// host only while the user is an active member, so a removed member is out at once. Membership is read last, only for
/// a principal that passed every check.
/// </summary>
public static class WorkspaceSession
{
    public const string RejectedItem = "parley:session-rejected";

    public static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var http = ctx.HttpContext;
        var tenant = http.RequestServices.GetRequiredService<ITenantContext>();
        var principal = ctx.Principal;
        var expectedHost = tenant.TenantId?.ToString() ?? AuthSetup.RootHost;
        if (principal?.FindFirstValue(AuthSetup.HostClaim) != expectedHost
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(AuthSetup.SessionClaim), out var sessionId))
        {
            Reject(ctx, foreign: true);
            return;
        }
        var stampType = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var db = http.RequestServices.GetRequiredService<AppDbContext>();
        var user = await db.UserSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null && s.TenantId == tenant.TenantId)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { u.Status, u.SecurityStamp, s.LastSeenAt })
            .FirstOrDefaultAsync(http.RequestAborted);
        if (user is null || user.Status != UserStatus.Active || user.SecurityStamp != principal.FindFirstValue(stampType))
        {
            Reject(ctx);
            return;
        }
        await http.RequestServices.GetRequiredService<UserSessions>().SeenAsync(sessionId, user.LastSeenAt, http.RequestAborted);
        if (tenant.TenantId is not null)
        {
            var membership = await http.RequestServices.GetRequiredService<TenantCache>().GetAsync($"member:{userId:N}",
                ct => new ValueTask<Membership?>(db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.UserId == userId && m.LeftAt == null, ct)), http.RequestAborted);
            if (membership is null)
            {
                Reject(ctx, foreign: true);
                return;
            }
            http.RequestServices.GetRequiredService<CurrentMember>().Membership = membership;
        }
    }

    /// <summary>
    /// Every new cookie names a server-side session; a refresh of the same user's cookie (after a profile or password
    /// change) keeps the session it had.
    /// </summary>
    public static async Task SigningInAsync(CookieSigningInContext ctx)
    {
        if (ctx.Principal?.Identity is not ClaimsIdentity identity || identity.FindFirst(AuthSetup.SessionClaim) is not null) return;
        var userId = Guid.Parse(identity.FindFirst(ClaimTypes.NameIdentifier)!.Value);
        var http = ctx.HttpContext;
        var current = http.User.FindFirstValue(AuthSetup.SessionClaim);
        if (http.User.Identity?.IsAuthenticated == true && current is not null && http.User.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString())
        {
            identity.AddClaim(new Claim(AuthSetup.SessionClaim, current));
            return;
        }
        var sessions = http.RequestServices.GetRequiredService<UserSessions>();
        identity.AddClaim(new Claim(AuthSetup.SessionClaim, (await sessions.StartAsync(userId, http.RequestAborted)).ToString()));
    }

    /// <summary>
    /// Drops the principal: the request goes on anonymous (a revoked or outdated session is asked to sign in). A cookie
    /// of another host or of someone no longer a member is <paramref name="foreign"/>: that host answers not-found.
    /// </summary>
    private static void Reject(CookieValidatePrincipalContext ctx, bool foreign = false)
    {
        ctx.RejectPrincipal();
        if (foreign) ctx.HttpContext.Items[RejectedItem] = true;
        ctx.HttpContext.Response.Cookies.Delete(AuthSetup.CookieName);
    }
}

/// <summary>Starts and revokes the server-side records behind session cookies.</summary>
public sealed class UserSessions(AppDbContext db, ITenantContext tenant, IHttpContextAccessor http, TimeProvider clock)
{
    public async Task<Guid> StartAsync(Guid userId, CancellationToken ct)
    {
        var request = http.HttpContext?.Request;
        var agent = request?.Headers.UserAgent.ToString();
        var session = new UserSession
        {
            UserId = userId, TenantId = tenant.TenantId, CreatedAt = clock.GetUtcNow(), LastSeenAt = clock.GetUtcNow(),
            IpAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(), UserAgent = agent?.Length > 500 ? agent[..500] : agent,
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    /// <summary>Ends the session the request's cookie names.</summary>
    public Task RevokeCurrentAsync(ClaimsPrincipal user, CancellationToken ct) =>
        Guid.TryParse(user.FindFirstValue(AuthSetup.SessionClaim), out var id)
            ? db.UserSessions.Where(s => s.Id == id && s.RevokedAt == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, clock.GetUtcNow()), ct)
            : Task.CompletedTask;

    /// <summary>Ends every session of the user on every host.</summary>
    public Task RevokeAllAsync(Guid userId, CancellationToken ct) =>
        db.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, clock.GetUtcNow()), ct);

    /// <summary>Notes that a session is in use, at most once an hour (one conditional write, never on every request).</summary>
    public async Task SeenAsync(Guid sessionId, DateTimeOffset lastSeen, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now - lastSeen < TimeSpan.FromHours(1)) return;
        var stale = now.AddHours(-1);
        await db.UserSessions.Where(s => s.Id == sessionId && s.LastSeenAt < stale).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
    }

    /// <summary>
    /// The user's sessions that may still be in use (not revoked, seen within a cookie's lifetime), most recently used
    /// first, each with the workspace it is for (null: Parley's home, where the workspace picker is).
    /// </summary>
    public async Task<List<(UserSession Session, string? Workspace)>> OpenAsync(Guid userId, CancellationToken ct)
    {
        var since = clock.GetUtcNow() - AuthSetup.SessionLifetime;
        var rows = await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId && s.RevokedAt == null && s.LastSeenAt > since)
            .OrderByDescending(s => s.LastSeenAt).Take(50)
            .GroupJoin(db.Tenants, s => s.TenantId, t => t.Id, (s, t) => new { s, t })
            .SelectMany(x => x.t.DefaultIfEmpty(), (x, t) => new { x.s, Name = t == null ? null : t.Name })
            .ToListAsync(ct);
        return rows.Select(r => (r.s, r.Name)).ToList();
    }
}

public sealed record RoleRequirement(Role AtLeast) : IAuthorizationRequirement;

public sealed class RoleRequirementHandler(CurrentMember member) : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        // Only a validated, authenticated principal counts; CurrentMember is filled for nothing else.
        if (context.User.Identity?.IsAuthenticated == true && member.Is(requirement.AtLeast)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
