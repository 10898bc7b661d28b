using System.Text.RegularExpressions;

namespace Parley.Tests.Features.Accounts;

/// <summary>Password reset, change of password and email, and two-factor sign-in.</summary>
public abstract class CredentialsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Password_reset_by_mail_sets_a_new_password_once()
    {
        var ws = await app.SignUpAsync();
        var client = app.Client($"{ws.Slug}.localhost");
        var asked = await client.PostFormAsync("/account/forgot-password", Http.Form(("Input.Email", ws.Email)));
        Assert.Contains("a reset link is on its way", await asked.BodyAsync());
        var link = (await app.Mail.WaitForAsync(ws.Email, "Reset your Parley password")).Link("/account/reset-password");

        var reset = await client.PostFormAsync(link.PathAndQuery, "/account/reset-password", Http.Form(
            ("Input.Email", ws.Email), ("Input.Code", Regex.Match(link.Query, "code=([^&]+)").Groups[1].Value), ("Input.Password", "a brand new password")));
        Assert.Equal("/account/login?reset=true", reset.RedirectTarget());
        await app.SignInAsync(ws.Slug, ws.Email, "a brand new password");

        var again = await client.PostFormAsync(link.PathAndQuery, "/account/reset-password", Http.Form(
            ("Input.Email", ws.Email), ("Input.Code", Regex.Match(link.Query, "code=([^&]+)").Groups[1].Value), ("Input.Password", "yet another password")));
        again.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("no longer valid", await again.BodyAsync());
    }

    [Fact]
    public async Task Forgot_password_gives_the_same_answer_for_an_unknown_email()
    {
        var response = await app.Client().PostFormAsync("/account/forgot-password", Http.Form(("Input.Email", "nobody@example.test")));
        Assert.Contains("a reset link is on its way", await response.BodyAsync());
        Assert.Equal(0, await app.Mail.CountAsync("nobody@example.test"));
    }

    [Fact]
    public async Task Change_password_needs_the_current_one_and_takes_effect()
    {
        var ws = await app.SignUpAsync();
        var wrong = await ws.Tenant.PostFormAsync("/account/security", "/account/security?handler=Password",
            Http.Form(("Password.Current", "not it at all"), ("Password.New", "my new password 1")));
        wrong.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var body = await wrong.BodyAsync(); Assert.True(body.Contains("not your current password"), body);

        var ok = await ws.Tenant.PostFormAsync("/account/security", "/account/security?handler=Password",
            Http.Form(("Password.Current", ws.Password), ("Password.New", "my new password 1")));
        ok.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Password changed", await ok.BodyAsync());
        await app.SignInAsync(ws.Slug, ws.Email, "my new password 1");
    }

    [Fact]
    public async Task Change_email_takes_effect_when_the_new_address_confirms()
    {
        var ws = await app.SignUpAsync();
        var newEmail = $"new-{ws.Email}";
        // Without the current password (a borrowed session) nothing is sent.
        var unproven = await ws.Tenant.PostFormAsync("/account/security", "/account/security?handler=Email", Http.Form(("Email.NewEmail", newEmail), ("Email.Password", "a wrong guess")));
        unproven.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not your current password", await unproven.TextAsync());
        Assert.Equal(0, await app.Mail.CountAsync(newEmail));

        var sent = await ws.Tenant.PostFormAsync("/account/security", "/account/security?handler=Email", Http.Form(("Email.NewEmail", newEmail), ("Email.Password", ws.Password)));
        Assert.Contains("We sent a confirmation link", await sent.BodyAsync());
        var notice = await app.Mail.WaitForAsync(ws.Email, "Your Parley email is being changed");
        Assert.Contains(newEmail, notice.Text);
        var link = (await app.Mail.WaitForAsync(newEmail, "Confirm your new email")).Link("/account/confirm-email/change");
        Assert.Contains("Your email is changed", await (await ws.Tenant.GetAsync(link.PathAndQuery)).BodyAsync());
        await app.SignInAsync(ws.Slug, newEmail);

        var taken = await ws.Tenant.PostFormAsync("/account/security", "/account/security?handler=Email", Http.Form(("Email.NewEmail", newEmail), ("Email.Password", ws.Password)));
        taken.AssertStatus(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Two_factor_sign_in_asks_for_a_code_and_accepts_a_recovery_code_once()
    {
        var ws = await app.SignUpAsync();
        var setup = await (await ws.Tenant.GetAsync("/account/two-factor")).BodyAsync();
        var key = Regex.Match(setup, "data-testid=\"shared-key\">([^<]+)<").Groups[1].Value;
        var bad = await ws.Tenant.PostFormAsync("/account/two-factor", Http.Form(("Input.Code", "123456")), htmx: false);
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var on = await ws.Tenant.PostFormAsync("/account/two-factor", Http.Form(("Input.Code", Totp.Code(key))), htmx: false);
        var codes = Regex.Matches(await on.BodyAsync(), @"<li>([a-zA-Z0-9-]{8,})</li>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, codes.Count);

        var client = app.Client($"{ws.Slug}.localhost");
        var login = await client.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        Assert.StartsWith("/account/login-2fa", login.RedirectTarget());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/dashboard")).StatusCode);

        var withCode = await client.PostFormAsync(login.RedirectTarget()!, "/account/login-2fa",
            Http.Form(("Input.Code", Totp.Code(key)), ("Input.ReturnUrl", "/dashboard")));
        Assert.Equal("/dashboard", withCode.RedirectTarget());

        var other = app.Client($"{ws.Slug}.localhost");
        await other.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        var recovery = await other.PostFormAsync("/account/login-2fa?recovery=true", "/account/login-2fa",
            Http.Form(("Input.Code", codes[0]), ("Input.Recovery", "true"), ("Input.ReturnUrl", "/dashboard")));
        Assert.Equal("/dashboard", recovery.RedirectTarget());

        var third = app.Client($"{ws.Slug}.localhost");
        await third.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        var reused = await third.PostFormAsync("/account/login-2fa?recovery=true", "/account/login-2fa",
            Http.Form(("Input.Code", codes[0]), ("Input.Recovery", "true"), ("Input.ReturnUrl", "/dashboard")));
        reused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("used already", await reused.BodyAsync());

        // Turning it off needs the password again.
        var refused = await ws.Tenant.PostFormAsync("/account/security", "/account/security?handler=DisableTwoFactor", Http.Form(("password", "a wrong guess")), htmx: false);
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.Where(u => u.Id == ws.UserId).Select(u => u.TwoFactorEnabled).SingleAsync()));
        var off = await ws.Tenant.PostFormAsync("/account/security", "/account/security?handler=DisableTwoFactor", Http.Form(("password", ws.Password)), htmx: false);
        Assert.Equal("/account/security", off.RedirectTarget());
        Assert.False(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.Where(u => u.Id == ws.UserId).Select(u => u.TwoFactorEnabled).SingleAsync()));
    }

    [Fact]
    public async Task Profile_saves_name_and_social_links_and_rejects_non_web_links()
    {
        var ws = await app.SignUpAsync();
        var bad = await ws.Tenant.PostFormAsync("/account/profile", Http.Form(("Input.FullName", "Ada L."), ("Input.LinkedInUrl", "javascript:alert(1)")));
        bad.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Use a full https:// address.", await bad.BodyAsync());

        var ok = await ws.Tenant.PostFormAsync("/account/profile", Http.Form(("Input.FullName", "Ada Lovelace"),
            ("Input.LinkedInUrl", "https://www.linkedin.com/in/ada"), ("Input.AvatarUrl", "https://example.test/ada.png")));
        Assert.Contains("Profile saved.", await ok.BodyAsync());
        var user = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.SingleAsync(u => u.Id == ws.UserId));
        Assert.Equal("Ada Lovelace", user.FullName);
        Assert.Equal("https://www.linkedin.com/in/ada", user.LinkedInUrl);
        Assert.Contains("Hello, Ada", await (await ws.Tenant.GetAsync("/dashboard")).BodyAsync());
    }
}

public sealed class CredentialsTests_Sqlite(SqliteApp app) : CredentialsTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class CredentialsTests_Postgres(PostgresApp app) : CredentialsTests<PostgresApp>(app);
