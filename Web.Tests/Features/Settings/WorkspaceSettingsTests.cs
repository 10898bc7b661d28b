
namespace Parley.Tests.Features.Settings;

public abstract class WorkspaceSettingsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Renaming_saves_the_name_and_the_old_subdomain_keeps_redirecting()
    {
        var ws = await app.SignUpAsync();
        var same = await ws.Tenant.PostFormAsync("/settings/workspace", Http.Form(("Input.Name", "Renamed Co"), ("Input.Slug", ws.Slug)));
        same.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("Saved.", await same.BodyAsync());

        var newSlug = Workspaces.UniqueSlug("moved");
        var moved = await ws.Tenant.PostFormAsync("/settings/workspace", Http.Form(("Input.Name", "Renamed Co"), ("Input.Slug", newSlug)));
        Assert.StartsWith($"http://{newSlug}.localhost/account/login", moved.RedirectTarget());

        var old = await app.Client($"{ws.Slug}.localhost").GetAsync("/account/login?x=1");
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal($"http://{newSlug}.localhost/account/login?x=1", old.Headers.Location?.ToString());
        await app.SignInAsync(newSlug, ws.Email);

        // The old subdomain stays reserved for this workspace.
        var check = await app.Client().GetHtmxAsync($"/signup?handler=CheckSlug&slug={ws.Slug}");
        Assert.Contains("taken", await check.BodyAsync());
    }

    [Fact]
    public async Task Rename_refuses_reserved_and_taken_subdomains_with_a_422_partial()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var taken = await a.Tenant.PostFormAsync("/settings/workspace", Http.Form(("Input.Name", "A"), ("Input.Slug", b.Slug)));
        taken.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var html = await taken.BodyAsync();
        Assert.StartsWith("<form id=\"workspace-form\"", html.TrimStart());
        Assert.Contains("That subdomain is taken.", html);
        var reserved = await a.Tenant.PostFormAsync("/settings/workspace", Http.Form(("Input.Name", ""), ("Input.Slug", "api")));
        var body = await reserved.BodyAsync();
        Assert.Contains("reserved", body);
        Assert.Contains("Name your workspace.", body);
    }

    [Fact]
    public async Task Delete_needs_the_typed_subdomain_and_removes_the_workspace()
    {
        var ws = await app.SignUpAsync();
        var wrong = await ws.Tenant.PostFormAsync("/settings/workspace", "/settings/workspace?handler=Delete", Http.Form(("Delete.Confirmation", "nope")));
        wrong.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"Type {ws.Slug} exactly", await wrong.BodyAsync());

        var deleted = await ws.Tenant.PostFormAsync("/settings/workspace", "/settings/workspace?handler=Delete", Http.Form(("Delete.Confirmation", ws.Slug)));
        Assert.Equal("http://localhost/?deleted=true", deleted.RedirectTarget());
        Assert.False(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.AnyAsync(t => t.Id == ws.TenantId)));
        Assert.Equal(0, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters().CountAsync(m => m.TenantId == ws.TenantId)));
        (await app.Client($"{ws.Slug}.localhost").GetAsync("/dashboard")).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Admin_edits_settings_but_cannot_delete_the_workspace()
    {
        var ws = await app.SignUpAsync();
        var admin = await app.SignInAsync(ws.Slug, await app.AddMemberAsync(ws.TenantId, Role.Admin));
        var page = await (await admin.GetAsync("/settings/workspace")).BodyAsync();
        Assert.DoesNotContain("Delete this workspace", page);
        var delete = await admin.PostFormAsync("/settings/workspace", "/settings/workspace?handler=Delete", Http.Form(("Delete.Confirmation", ws.Slug)));
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Contains("/account/access-denied", delete.RedirectTarget() ?? "");
        Assert.True(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.AnyAsync(t => t.Id == ws.TenantId)));
    }
}

public sealed class WorkspaceSettingsTests_Sqlite(SqliteApp app) : WorkspaceSettingsTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class WorkspaceSettingsTests_Postgres(PostgresApp app) : WorkspaceSettingsTests<PostgresApp>(app);
