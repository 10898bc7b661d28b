using System.Web;
using Parley.Infrastructure.Security;

namespace Parley.Tests.Features.Accounts;

public abstract class LoginTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Login_on_the_tenant_host_opens_the_dashboard_and_records_history()
    {
        var ws = await app.SignUpAsync();
        var client = app.Client($"{ws.Slug}.localhost");
        // htmx swaps the 422 answers that carry a form's errors only because the layout's htmx-config says so.
        Assert.Contains("{\"code\":\"422\",\"swap\":true}", await (await client.GetAsync("/account/login")).TextAsync());
        var wrong = await client.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", "not the password")));
        wrong.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Wrong email or password.", await wrong.BodyAsync());

        var ok = await client.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        Assert.Equal("/dashboard", ok.RedirectTarget());
        (await client.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);

        var security = await (await client.GetAsync("/account/security")).BodyAsync();
        Assert.Contains("Failed: wrong password", security);
        Assert.Contains("Signed in", security);
        var rows = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LoginHistory.Where(h => h.UserId == ws.UserId).ToListAsync());
        Assert.Contains(rows, r => !r.Succeeded && r.FailureReason == "wrong password");
        Assert.Contains(rows, r => r.Succeeded && r.TenantId == ws.TenantId);
    }

    [Fact]
    public async Task Login_locks_the_account_after_five_failures()
    {
        var ws = await app.SignUpAsync();
        var client = app.Client($"{ws.Slug}.localhost");
        for (var i = 0; i < 5; i++)
            await client.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", "wrong password " + i)));
        var locked = await client.PostFormAsync("/account/login", Http.Form(("Input.Email", ws.Email), ("Input.Password", ws.Password)));
        locked.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("sign-in pauses for 15 minutes", await locked.TextAsync());
        Assert.Contains(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().LoginHistory.Where(h => h.UserId == ws.UserId).ToListAsync()),
            h => h.FailureReason == "locked out");
    }

    [Fact]
    public async Task Login_on_a_workspace_the_user_is_not_in_says_the_same_as_a_wrong_password_and_counts_failures()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var host = app.Client($"{b.Slug}.localhost");
        var right = await host.PostFormAsync("/account/login", Http.Form(("Input.Email", a.Email), ("Input.Password", a.Password)));
        right.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var guess = await host.PostFormAsync("/account/login", Http.Form(("Input.Email", a.Email), ("Input.Password", "a wrong guess")));
        var unknown = await host.PostFormAsync("/account/login", Http.Form(("Input.Email", "nobody-" + a.Email), ("Input.Password", "a wrong guess")));
        // No oracle: the right password, a wrong one and an unknown email read the same.
        Assert.Equal(FormError(await right.TextAsync()), FormError(await guess.TextAsync()));
        Assert.Equal(FormError(await right.TextAsync()), FormError(await unknown.TextAsync()));
        Assert.DoesNotContain("a member of", await right.TextAsync());

        // Failures on another workspace's host count towards the lockout, and a locked account is not checked there either.
        for (var i = 0; i < 4; i++) await host.PostFormAsync("/account/login", Http.Form(("Input.Email", a.Email), ("Input.Password", "wrong " + i)));
        var failures = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.Where(u => u.Id == a.UserId).Select(u => new { u.AccessFailedCount, u.LockoutEnd }).SingleAsync());
        Assert.NotNull(failures.LockoutEnd);
        var own = await app.Client($"{a.Slug}.localhost").PostFormAsync("/account/login", Http.Form(("Input.Email", a.Email), ("Input.Password", a.Password)));
        own.AssertStatus(HttpStatusCode.UnprocessableEntity); // locked on every host, even with the right password
    }

    private static string FormError(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "Wrong email or password[^<]*").Value is { Length: > 0 } m ? m : "(no generic error) " + html[..Math.Min(html.Length, 400)];

    [Fact]
    public async Task Root_login_shows_the_workspace_picker_and_hands_over_to_the_chosen_workspace()
    {
        var a = await app.SignUpAsync();
        var second = Workspaces.UniqueSlug();
        await a.Root.PostFormAsync("/signup", Http.Form(("Input.WorkspaceName", "Second"), ("Input.Slug", second)));

        var root = app.Client();
        var login = await root.PostFormAsync("/account/login", Http.Form(("Input.Email", a.Email), ("Input.Password", a.Password)));
        Assert.Equal("/account/workspaces", login.RedirectTarget());
        var picker = await (await root.GetAsync("/account/workspaces")).BodyAsync();
        Assert.Contains($"/account/workspaces/open/{second}", picker);

        var open = await root.GetAsync($"/account/workspaces/open/{second}");
        var target = open.Headers.Location!;
        Assert.Equal($"{second}.localhost", target.Host);
        var tenant = app.Client($"{second}.localhost");
        Assert.Equal("/dashboard", (await tenant.GetAsync(target.PathAndQuery)).Headers.Location?.ToString());
        (await tenant.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.OK);

        // The same ticket twice: the second use gets the expired-link page and no session.
        var replay = app.Client($"{second}.localhost");
        var again = await replay.GetAsync(target.PathAndQuery);
        again.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("This sign-in link has expired", await again.BodyAsync());
        Assert.NotEqual(HttpStatusCode.OK, (await replay.GetAsync("/dashboard")).StatusCode);
    }

    [Fact]
    public async Task Hand_over_ticket_is_refused_when_tampered_or_meant_for_another_workspace()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var tickets = app.Services.GetRequiredService<HandOverTickets>();
        var forA = tickets.Issue(a.UserId, a.TenantId, false);

        var onB = app.Client($"{b.Slug}.localhost");
        Assert.Contains("expired", await (await onB.GetAsync($"/account/handover?ticket={HttpUtility.UrlEncode(forA)}")).BodyAsync());
        var tampered = forA[..^4] + (forA.EndsWith("AAAA") ? "BBBB" : "AAAA");
        var onA = app.Client($"{a.Slug}.localhost");
        Assert.Contains("expired", await (await onA.GetAsync($"/account/handover?ticket={HttpUtility.UrlEncode(tampered)}")).BodyAsync());
        Assert.NotEqual(HttpStatusCode.OK, (await onA.GetAsync("/dashboard")).StatusCode);
    }

    [Fact]
    public async Task Workspace_picker_does_not_open_a_workspace_the_user_is_not_in()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        (await a.Root.GetAsync($"/account/workspaces/open/{b.Slug}")).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var ws = await app.SignUpAsync();
        var response = await ws.Tenant.PostFormAsync("/dashboard", "/account/logout", [], htmx: false);
        Assert.StartsWith("/account/login", response.RedirectTarget());
        Assert.Equal(HttpStatusCode.Redirect, (await ws.Tenant.GetAsync("/dashboard")).StatusCode);
    }

    [Fact]
    public async Task Find_my_workspace_mails_the_workspaces_of_an_email_and_reveals_nothing_on_screen()
    {
        var ws = await app.SignUpAsync();
        var response = await app.Client().PostFormAsync("/find-workspace", Http.Form(("Input.Email", ws.Email)));
        response.AssertStatus(HttpStatusCode.OK);
        Assert.DoesNotContain(ws.Slug + ".localhost", await response.BodyAsync());
        var mail = await app.Mail.WaitForAsync(ws.Email, "Your Parley workspaces");
        Assert.Contains($"http://{ws.Slug}.localhost", mail.Text);

        var stranger = $"nobody-{Guid.NewGuid():n}@example.test";
        var none = await app.Client().PostFormAsync("/find-workspace", Http.Form(("Input.Email", stranger)));
        Assert.Contains("We've emailed", await none.BodyAsync());
        Assert.Contains("couldn't find", (await app.Mail.WaitForAsync(stranger, "Your Parley workspaces")).Text);
    }
}

public sealed class LoginTests_Sqlite(SqliteApp app) : LoginTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class LoginTests_Postgres(PostgresApp app) : LoginTests<PostgresApp>(app);
