using Parley.Features.Plans;

namespace Parley.Tests.Features.Accounts;

public abstract class SignUpTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task The_sign_up_form_links_to_the_terms_which_an_operator_may_replace_with_their_own()
    {
        var root = app.Client();
        var form = await (await root.GetAsync("/signup")).BodyAsync();
        Assert.Matches(@"agree to the <a class=""link"" href=""/terms""[^>]*>terms of service</a>", form);
        var terms = await root.GetAsync("/terms");
        terms.AssertStatus(HttpStatusCode.OK);
        var html = await terms.BodyAsync();
        Assert.Contains("<h1 class=\"h1\">Terms of service</h1>", html);
        Assert.Contains("Acceptable use", html);
        Assert.Contains("seven days to update your card", html); // the billing grace the product applies

        await using var own = app.Twin();
        own.Settings["Parley:TermsUrl"] = "https://legal.example/terms";
        await own.InitializeAsync();
        var client = own.Client();
        Assert.Contains("href=\"https://legal.example/terms\"", await (await client.GetAsync("/signup")).BodyAsync());
        Assert.Equal("https://legal.example/terms", (await client.GetAsync("/terms")).Headers.Location?.ToString());
    }

    [Fact]
    public async Task SignUp_creates_workspace_owner_and_free_plan_and_lands_on_dashboard()
    {
        var ws = await app.SignUpAsync();

        var dashboard = await ws.Tenant.GetAsync("/dashboard");
        dashboard.AssertStatus(HttpStatusCode.OK);
        var html = await dashboard.BodyAsync();
        Assert.Contains("Welcome to Parley", await (await ws.Tenant.GetAsync("/dashboard?welcome=true")).BodyAsync());
        Assert.Contains($"Workspace {ws.Slug}", html);
        Assert.Contains("Free plan", html);

        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var membership = await db.Memberships.IgnoreQueryFilters().SingleAsync(m => m.TenantId == ws.TenantId);
            Assert.Equal(Role.Owner, membership.Role);
            Assert.Equal(ws.UserId, membership.UserId);
            var sub = await db.Subscriptions.IgnoreQueryFilters().Include(s => s.Plan).SingleAsync(s => s.TenantId == ws.TenantId);
            Assert.Equal(PlanCatalog.Free, sub.Plan!.Code);
            Assert.Equal(1, sub.Limits.Bots);
            Assert.Equal(100, sub.Limits.MessagesPerMonth);
            return 0;
        });
    }

    [Fact]
    public async Task SignUp_sends_a_confirmation_mail_whose_link_confirms_the_email()
    {
        var ws = await app.SignUpAsync();
        var mail = await app.Mail.WaitForAsync(ws.Email, "Confirm your email");
        var link = mail.Link("/account/confirm-email");
        Assert.Equal($"{ws.Slug}.localhost", link.Host);

        var confirmed = await ws.Tenant.GetAsync(link.PathAndQuery);
        Assert.Equal("/dashboard?confirmed=1", confirmed.Headers.Location?.ToString());
        var user = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.SingleAsync(u => u.Id == ws.UserId));
        Assert.True(user.EmailConfirmed);

        var reused = await app.Client($"{ws.Slug}.localhost").GetAsync(link.PathAndQuery.Replace("code=", "code=x"));
        Assert.Contains("isn't valid", await reused.BodyAsync());
    }

    [Fact]
    public async Task SignUp_returns_422_partial_with_field_errors_when_input_is_invalid()
    {
        var root = app.Client();
        var response = await root.PostFormAsync("/signup", Http.Form(
            ("Input.FullName", ""), ("Input.Email", "not-an-email"), ("Input.Password", "short"),
            ("Input.WorkspaceName", "X"), ("Input.Slug", "www")));

        response.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var html = await response.BodyAsync();
        Assert.StartsWith("<form id=\"signup-form\"", html.TrimStart());
        Assert.DoesNotContain("<html", html);
        Assert.Contains("Tell us your name.", html);
        Assert.Contains("doesn&#x27;t look like an email", html);
        Assert.Contains("Use at least 10 characters.", html);
        Assert.Contains("That subdomain is reserved.", html);
        Assert.Contains("HX-Request", response.Headers.Vary);
    }

    [Fact]
    public async Task SignUp_plain_form_post_rerenders_the_whole_page_when_invalid()
    {
        var response = await app.Client().PostFormAsync("/signup", Http.Form(("Input.Slug", "ab")), htmx: false);
        response.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var html = await response.BodyAsync();
        Assert.Contains("<html", html);
        Assert.Contains("Use at least 3 characters.", html);
    }

    [Fact]
    public async Task SignUp_refuses_a_taken_subdomain_and_an_existing_email()
    {
        var first = await app.SignUpAsync();
        var response = await app.Client().PostFormAsync("/signup", Http.Form(
            ("Input.FullName", "Bo"), ("Input.Email", first.Email), ("Input.Password", Workspaces.Password),
            ("Input.WorkspaceName", "Again"), ("Input.Slug", first.Slug)));
        response.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("That subdomain is taken.", await response.BodyAsync());

        var again = await app.Client().PostFormAsync("/signup", Http.Form(
            ("Input.FullName", "Bo"), ("Input.Email", first.Email), ("Input.Password", Workspaces.Password),
            ("Input.WorkspaceName", "Again"), ("Input.Slug", Workspaces.UniqueSlug())));
        again.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("An account with this email exists", await again.BodyAsync());
    }

    [Theory]
    [InlineData("www", "reserved")]
    [InlineData("admin", "reserved")]
    [InlineData("Bad_Slug", "lowercase letters")]
    [InlineData("-edge", "lowercase letters")]
    public async Task Slug_check_explains_why_a_subdomain_cannot_be_used(string slug, string reason)
    {
        var response = await app.Client().GetHtmxAsync($"/signup?handler=CheckSlug&slug={slug}");
        response.AssertStatus(HttpStatusCode.OK);
        var html = await response.BodyAsync();
        Assert.Contains("id=\"slug-status\"", html);
        Assert.Contains(reason, html);
        Assert.Contains("data-available=\"false\"", html);
    }

    [Fact]
    public async Task Slug_check_reports_taken_and_available_subdomains()
    {
        var ws = await app.SignUpAsync();
        Assert.Contains("That subdomain is taken.", await (await app.Client().GetHtmxAsync($"/signup?handler=CheckSlug&slug={ws.Slug}")).BodyAsync());
        var free = Workspaces.UniqueSlug();
        Assert.Contains("data-available=\"true\"", await (await app.Client().GetHtmxAsync($"/signup?handler=CheckSlug&slug={free}")).BodyAsync());
    }

    [Fact]
    public async Task SignUp_page_is_not_served_on_a_tenant_host()
    {
        var ws = await app.SignUpAsync();
        var response = await ws.Tenant.GetAsync("/signup");
        response.AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Signed_in_user_adds_a_second_workspace_without_account_fields()
    {
        var ws = await app.SignUpAsync();
        var form = await (await ws.Root.GetAsync("/signup")).BodyAsync();
        Assert.DoesNotContain("Input.Password", form);
        var slug = Workspaces.UniqueSlug();
        var response = await ws.Root.PostFormAsync("/signup", Http.Form(("Input.WorkspaceName", "Second"), ("Input.Slug", slug)));
        Assert.StartsWith($"http://{slug}.localhost/account/handover", response.RedirectTarget());

        var picker = await (await ws.Root.GetAsync("/account/workspaces")).BodyAsync();
        Assert.Contains("Second", picker);
        Assert.Contains($"Workspace {ws.Slug}", picker);
    }
}

public sealed class SignUpTests_Sqlite(SqliteApp app) : SignUpTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class SignUpTests_Postgres(PostgresApp app) : SignUpTests<PostgresApp>(app);
