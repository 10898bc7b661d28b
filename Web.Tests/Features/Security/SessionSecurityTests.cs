namespace Parley.Tests.Features.Security;

/// <summary>Issue 11's session findings: a copied cookie dies with a password change, a sign-out or "sign out everywhere".</summary>
public abstract class SessionSecurityTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private async Task<(SignedUp Ws, CookieJar Owner)> OwnerAsync()
    {
        var ws = await app.SignUpAsync();
        var owner = new CookieJar(app, $"{ws.Slug}.localhost");
        await owner.SignInAsync(ws.Email, ws.Password);
        return (ws, owner);
    }

    [Fact]
    public async Task A_copied_cookie_is_anonymous_after_the_owner_changes_her_password()
    {
        var (ws, owner) = await OwnerAsync();
        var thief = owner.Steal();
        (await thief.GetAsync("/leads?handler=Csv")).AssertStatus(HttpStatusCode.OK); // the copy works while the session does

        var changed = await owner.PostFormAsync("/account/security", "/account/security?handler=Password",
            Http.Form(("Password.Current", ws.Password), ("Password.New", "a fresh password 22")));
        changed.AssertStatus(HttpStatusCode.OK);

        // At once, not after a validation interval: every request with the old cookie is anonymous.
        Assert.Contains("/account/login", (await thief.GetAsync("/leads?handler=Csv")).Headers.Location?.ToString() ?? "");
        var invite = await thief.PostFormAsync("/account/login", "/team?handler=Invite", Http.Form(("email", "outsider@example.test"), ("role", "Admin")));
        Assert.NotEqual(HttpStatusCode.OK, invite.StatusCode);
        Assert.Equal(0, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Invitations.IgnoreQueryFilters().CountAsync(i => i.TenantId == ws.TenantId)));
        Assert.Equal(0, await app.Mail.CountAsync("outsider@example.test"));
        // The owner's own browser stays signed in.
        (await owner.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signing_out_revokes_the_session_on_the_server()
    {
        var (_, owner) = await OwnerAsync();
        var thief = owner.Steal();
        (await thief.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);
        var signedOut = await owner.PostFormAsync("/dashboard", "/account/logout", []);
        Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        Assert.Contains("/account/login", (await thief.GetAsync("/dashboard")).Headers.Location?.ToString() ?? "");
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session_of_the_account()
    {
        var (ws, owner) = await OwnerAsync();
        var laptop = new CookieJar(app, $"{ws.Slug}.localhost");
        await laptop.SignInAsync(ws.Email, ws.Password);
        var page = await (await owner.GetAsync("/account/security")).TextAsync();
        Assert.Contains("this browser", page);
        Assert.Contains("Sign out everywhere", page);

        var everywhere = await owner.PostFormAsync("/account/security", "/account/security?handler=SignOutEverywhere", []);
        Assert.Equal(HttpStatusCode.SeeOther, everywhere.StatusCode);
        foreach (var jar in new[] { owner, laptop })
            Assert.Contains("/account/login", (await jar.GetAsync("/dashboard")).Headers.Location?.ToString() ?? "");
        Assert.Equal(0, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().UserSessions.CountAsync(s => s.UserId == ws.UserId && s.RevokedAt == null)));
        // Signing in again works.
        await laptop.SignInAsync(ws.Email, ws.Password);
        (await laptop.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Password_reset_links_are_built_from_configuration_not_the_Host_header()
    {
        var ws = await app.SignUpAsync();
        var forged = app.CreateClient(new() { BaseAddress = new Uri("http://attacker.example"), AllowAutoRedirect = false });
        var refused = await forged.PostAsync("/account/forgot-password", new FormUrlEncodedContent(Http.Form(("Input.Email", ws.Email))));
        refused.AssertStatus(HttpStatusCode.BadRequest);
        (await forged.GetAsync("/")).AssertStatus(HttpStatusCode.BadRequest);
        (await forged.GetAsync("/healthz")).AssertStatus(HttpStatusCode.OK); // probes may use any host

        await app.Client($"{ws.Slug}.localhost").PostFormAsync("/account/forgot-password", Http.Form(("Input.Email", ws.Email)));
        var mail = await app.Mail.WaitForAsync(ws.Email, "Reset your Parley password");
        var link = mail.Link("/account/reset-password");
        Assert.Equal($"{ws.Slug}.localhost", link.Host);
        Assert.DoesNotContain("attacker", mail.Text);
    }
}

public sealed class SessionSecurityTests_Sqlite(SqliteApp app) : SessionSecurityTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class SessionSecurityTests_Postgres(PostgresApp app) : SessionSecurityTests<PostgresApp>(app);
