using System.Text.RegularExpressions;
using Parley.Features.Team;

namespace Parley.Tests.Features.Team;

public abstract class TeamTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private async Task<SignedUp> WorkspaceWithSeatsAsync()
    {
        var ws = await app.SignUpAsync();
        await app.SetSeatsAsync(ws.TenantId, 10);
        return ws;
    }

    private static Task<HttpResponseMessage> InviteAsync(HttpClient client, string email, Role role) =>
        client.PostFormAsync("/team", "/team?handler=Invite", Http.Form(("email", email), ("role", role.ToString())));

    private async Task<string> InvitationTokenAsync(string email) =>
        Regex.Match((await app.Mail.WaitForAsync(email, "You're invited")).Link("/invitations/accept").Query, "token=([^&]+)").Groups[1].Value;

    private Task<Invitation> InvitationAsync(string email) => app.ScopedAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Invitations.IgnoreQueryFilters().OrderByDescending(i => i.CreatedAt).FirstAsync(i => i.Email == email));

    [Fact]
    public async Task Invited_person_signs_up_from_the_mail_and_joins_with_the_role()
    {
        var ws = await WorkspaceWithSeatsAsync();
        var email = $"new-{Guid.NewGuid():n}@example.test";
        var sent = await InviteAsync(ws.Tenant, email, Role.Manager);
        sent.AssertStatus(HttpStatusCode.OK);
        Assert.Contains($"Invitation sent to {email}", await sent.TextAsync());
        var stored = await InvitationAsync(email);
        var token = await InvitationTokenAsync(email);
        Assert.Equal(Invitation.Hash(token), stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash);

        var invitee = app.Client($"{ws.Slug}.localhost");
        var page = await (await invitee.GetAsync($"/invitations/accept?token={token}")).TextAsync();
        Assert.Contains($"Join Workspace {ws.Slug}", page);
        Assert.Contains(email, page);
        var missingName = await invitee.PostFormAsync($"/invitations/accept?token={token}", "/invitations/accept", Http.Form(("Input.Token", token), ("Input.Password", "manager password")));
        missingName.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var joined = await invitee.PostFormAsync($"/invitations/accept?token={token}", "/invitations/accept",
            Http.Form(("Input.Token", token), ("Input.FullName", "Mia Manager"), ("Input.Password", "manager password")));
        Assert.Equal("/dashboard?joined=true", joined.RedirectTarget());
        var dashboard = await (await invitee.GetAsync("/dashboard")).TextAsync();
        Assert.Contains("href=\"/team\"", dashboard);
        Assert.DoesNotContain("href=\"/settings/workspace\"", dashboard);

        Assert.Equal(InvitationStatus.Accepted, (await InvitationAsync(email)).Status);
        var reused = await app.Client($"{ws.Slug}.localhost").GetAsync($"/invitations/accept?token={token}");
        Assert.Contains("used already", await reused.TextAsync());
    }

    [Fact]
    public async Task Tampered_expired_revoked_and_replaced_tokens_get_a_clear_page()
    {
        var ws = await WorkspaceWithSeatsAsync();
        var email = $"t-{Guid.NewGuid():n}@example.test";
        await InviteAsync(ws.Tenant, email, Role.Agent);
        var token = await InvitationTokenAsync(email);
        var anon = app.Client($"{ws.Slug}.localhost");

        var tampered = await anon.GetAsync($"/invitations/accept?token={token[..^2]}xx");
        Assert.Contains("isn't valid", await tampered.TextAsync());
        // A token of this workspace means nothing on another workspace's host.
        var other = await app.SignUpAsync();
        Assert.Contains("isn't valid", await (await app.Client($"{other.Slug}.localhost").GetAsync($"/invitations/accept?token={token}")).TextAsync());

        var id = (await InvitationAsync(email)).Id;
        await ws.Tenant.PostFormAsync("/team", $"/team?handler=Resend&id={id}", []);
        Assert.Contains("isn't valid", await (await anon.GetAsync($"/invitations/accept?token={token}")).TextAsync());
        var fresh = await app.Mail.WaitForAsync(email, "You're invited", count: 2); // the newest, once it is delivered
        var newToken = Regex.Match(fresh.Link("/invitations/accept").Query, "token=([^&]+)").Groups[1].Value;
        Assert.Contains("Create account and join", await (await anon.GetAsync($"/invitations/accept?token={newToken}")).TextAsync());

        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Invitations.IgnoreQueryFilters().Where(i => i.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        Assert.Contains("expired", await (await anon.GetAsync($"/invitations/accept?token={newToken}")).TextAsync());

        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Invitations.IgnoreQueryFilters().Where(i => i.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddDays(1))));
        await ws.Tenant.PostFormAsync("/team", $"/team?handler=Revoke&id={id}", []);
        Assert.Contains("withdrawn", await (await anon.GetAsync($"/invitations/accept?token={newToken}")).TextAsync());
        var post = await anon.PostFormAsync("/account/login", "/invitations/accept", Http.Form(("Input.Token", newToken), ("Input.FullName", "X"), ("Input.Password", "whatever password")));
        Assert.Equal(0, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Users.CountAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task Existing_user_accepts_by_signing_in()
    {
        var ws = await WorkspaceWithSeatsAsync();
        var other = await app.SignUpAsync();
        await InviteAsync(ws.Tenant, other.Email, Role.Admin);
        var token = await InvitationTokenAsync(other.Email);
        var client = app.Client($"{ws.Slug}.localhost");
        Assert.Contains("Sign in and join", await (await client.GetAsync($"/invitations/accept?token={token}")).TextAsync());
        var wrong = await client.PostFormAsync($"/invitations/accept?token={token}", "/invitations/accept", Http.Form(("Input.Token", token), ("Input.Password", "not my password")));
        wrong.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var ok = await client.PostFormAsync($"/invitations/accept?token={token}", "/invitations/accept", Http.Form(("Input.Token", token), ("Input.Password", other.Password)));
        Assert.Equal("/dashboard?joined=true", ok.RedirectTarget());
        Assert.Contains("href=\"/settings/workspace\"", await (await client.GetAsync("/dashboard")).TextAsync());
    }

    [Fact]
    public async Task Manager_invites_only_agents_and_the_plan_seat_limit_is_enforced()
    {
        var ws = await app.SignUpAsync(); // Free plan: one seat, taken by the owner
        var refused = await InviteAsync(ws.Tenant, "seat@example.test", Role.Agent);
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("includes 1 seat", await refused.TextAsync());

        await app.SetSeatsAsync(ws.TenantId, 3);
        var manager = await app.SignInAsync(ws.Slug, await app.AddMemberAsync(ws.TenantId, Role.Manager));
        var admin = await InviteAsync(manager, "would-be-admin@example.test", Role.Admin);
        admin.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Managers can invite Agents only.", await admin.TextAsync());
        (await InviteAsync(manager, $"agent-{Guid.NewGuid():n}@example.test", Role.Agent)).AssertStatus(HttpStatusCode.OK);
        var full = await InviteAsync(manager, "one-too-many@example.test", Role.Agent);
        Assert.Contains("includes 3 seats", await full.TextAsync());
    }

    [Fact]
    public async Task Admin_changes_roles_and_removes_members_but_never_the_owner()
    {
        var ws = await WorkspaceWithSeatsAsync();
        var agentEmail = await app.AddMemberAsync(ws.TenantId, Role.Agent);
        var agent = await app.SignInAsync(ws.Slug, agentEmail);
        var admin = await app.SignInAsync(ws.Slug, await app.AddMemberAsync(ws.TenantId, Role.Admin));
        var ids = await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var all = await db.Memberships.IgnoreQueryFilters().Where(m => m.TenantId == ws.TenantId).ToListAsync();
            return (Owner: all.Single(m => m.Role == Role.Owner).Id, Agent: all.Single(m => m.Role == Role.Agent).Id);
        });

        var team = await (await admin.GetAsync("/team")).TextAsync();
        Assert.Contains($"hx-post=\"/team?id={ids.Agent}&handler=Role\"", team);
        Assert.Contains($"action=\"/team?id={ids.Agent}&handler=Remove\"", team);
        var promote = await admin.PostFormAsync("/team", $"/team?handler=Role&id={ids.Agent}", Http.Form(("role", "Manager")));
        Assert.Contains("Role changed.", await promote.TextAsync());
        var demoteOwner = await admin.PostFormAsync("/team", $"/team?handler=Role&id={ids.Owner}", Http.Form(("role", "Agent")));
        Assert.Contains("transfer ownership instead", await demoteOwner.TextAsync());
        var removeOwner = await admin.PostFormAsync("/team", $"/team?handler=Remove&id={ids.Owner}", []);
        Assert.Contains("The owner can't be removed.", await removeOwner.TextAsync());

        (await agent.GetAsync("/team")).AssertStatus(HttpStatusCode.OK); // now a Manager
        await admin.PostFormAsync("/team", $"/team?handler=Remove&id={ids.Agent}", []);
        (await agent.GetAsync("/dashboard")).AssertStatus(HttpStatusCode.NotFound);

        var audit = await (await ws.Tenant.GetAsync("/audit?kind=Membership")).TextAsync();
        Assert.Contains("member.role_changed", audit);
        Assert.Contains("member.removed", audit);
        Assert.Contains(agentEmail, audit);
        Assert.Contains("Role: Agent → Manager", audit); // the change in words, the action name kept in its title
    }

    [Fact]
    public async Task Owner_transfers_ownership_with_typed_confirmation_and_a_member_can_leave()
    {
        var ws = await WorkspaceWithSeatsAsync();
        var adminEmail = await app.AddMemberAsync(ws.TenantId, Role.Admin);
        var adminId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters()
            .Where(m => m.TenantId == ws.TenantId && m.Role == Role.Admin).Select(m => m.Id).SingleAsync());
        var unconfirmed = await ws.Tenant.PostFormAsync("/team", "/team?handler=Transfer", Http.Form(("id", adminId.ToString()), ("confirmation", "nope")));
        unconfirmed.AssertStatus(HttpStatusCode.UnprocessableEntity);
        var leaveAsOwner = await ws.Tenant.PostFormAsync("/team/leave", []);
        Assert.Contains("Transfer ownership before you leave", await leaveAsOwner.TextAsync());

        var done = await ws.Tenant.PostFormAsync("/team", "/team?handler=Transfer", Http.Form(("id", adminId.ToString()), ("confirmation", ws.Slug)));
        Assert.Contains("Ownership transferred", await done.TextAsync());
        var roles = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters()
            .Where(m => m.TenantId == ws.TenantId).ToDictionaryAsync(m => m.Id, m => m.Role));
        Assert.Equal(Role.Owner, roles[adminId]);
        Assert.Single(roles.Values, Role.Owner);

        var left = await ws.Tenant.PostFormAsync("/team/leave", [], htmx: false);
        Assert.EndsWith("/account/workspaces", left.RedirectTarget());
        (await (app.Client($"{ws.Slug}.localhost")).GetAsync("/dashboard")).AssertStatus(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Manager_and_agent_cannot_change_roles_remove_members_or_transfer_ownership()
    {
        var ws = await WorkspaceWithSeatsAsync();
        var agentEmail = await app.AddMemberAsync(ws.TenantId, Role.Agent);
        var manager = await app.SignInAsync(ws.Slug, await app.AddMemberAsync(ws.TenantId, Role.Manager));
        var agentId = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters()
            .Where(m => m.TenantId == ws.TenantId && m.Role == Role.Agent).Select(m => m.Id).SingleAsync());

        Assert.Contains("Only owners and admins change roles.", await (await manager.PostFormAsync("/team", $"/team?handler=Role&id={agentId}", Http.Form(("role", "Admin")))).TextAsync());
        Assert.Contains("Only owners and admins remove members.", await (await manager.PostFormAsync("/team", $"/team?handler=Remove&id={agentId}", [])).TextAsync());
        Assert.Contains("Only the owner can transfer ownership.", await (await manager.PostFormAsync("/team", "/team?handler=Transfer", Http.Form(("id", agentId.ToString()), ("confirmation", ws.Slug)))).TextAsync());
        var roles = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Memberships.IgnoreQueryFilters()
            .Where(m => m.TenantId == ws.TenantId && m.LeftAt == null).Select(m => m.Role).ToListAsync());
        Assert.Equal([Role.Owner, Role.Manager, Role.Agent], roles.Order());

        var agent = await app.SignInAsync(ws.Slug, agentEmail);
        Assert.Contains("/account/access-denied", (await agent.GetAsync("/team")).Headers.Location?.ToString());
        Assert.DoesNotContain("href=\"/team\"", await (await agent.GetAsync("/dashboard")).TextAsync());
    }

    [Fact]
    public async Task Invitations_of_another_workspace_cannot_be_resent_or_revoked()
    {
        var a = await WorkspaceWithSeatsAsync();
        var b = await WorkspaceWithSeatsAsync();
        await InviteAsync(a.Tenant, "cross@example.test", Role.Agent);
        var id = (await InvitationAsync("cross@example.test")).Id;
        (await b.Tenant.PostFormAsync("/team", $"/team?handler=Revoke&id={id}", [])).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync("/team", $"/team?handler=Resend&id={id}", [])).AssertStatus(HttpStatusCode.NotFound);
        Assert.Equal(InvitationStatus.Pending, (await InvitationAsync("cross@example.test")).Status);
        Assert.DoesNotContain("cross@example.test", await (await b.Tenant.GetAsync("/team")).TextAsync());
    }
}

public sealed class TeamTests_Sqlite(SqliteApp app) : TeamTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class TeamTests_Postgres(PostgresApp app) : TeamTests<PostgresApp>(app);
