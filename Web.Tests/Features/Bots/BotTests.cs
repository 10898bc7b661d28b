using System.Text.RegularExpressions;
using Parley.Features.Bots;

namespace Parley.Tests.Features.Bots;

public abstract class BotTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static async Task<string> CreateAsync(HttpClient client, string name, string type = "Support")
    {
        var response = await client.PostFormAsync("/bots", Http.Form(("Input.Name", name), ("Input.Type", type), ("Input.Description", $"{name} answers questions")));
        var target = response.RedirectTarget() ?? throw new Xunit.Sdk.XunitException($"Create failed: {(int)response.StatusCode} {await response.TextAsync()}");
        return Regex.Match(target, "/bots/(bot_[0-9a-f]+)").Groups[1].Value;
    }

    private Task<Chatbot?> BotAsync(string publicId) => app.ScopedAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Chatbots.IgnoreQueryFilters().FirstOrDefaultAsync(b => b.PublicId == publicId));

    private Task<Guid> UserIdAsync(string email) => app.ScopedAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    [Fact]
    public async Task Owner_creates_a_bot_and_the_plan_limit_stops_the_next_one()
    {
        var ws = await app.SignUpAsync();
        var empty = await (await ws.Tenant.GetAsync("/bots")).TextAsync();
        Assert.Contains("Create your first chatbot", empty);

        var invalid = await ws.Tenant.PostFormAsync("/bots", Http.Form(("Input.Name", ""), ("Input.Type", "Sales")));
        invalid.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Name your chatbot.", await invalid.TextAsync());

        var id = await CreateAsync(ws.Tenant, "Helpdesk", "KnowledgeBase");
        var page = await (await ws.Tenant.GetAsync($"/bots/{id}?created=true")).TextAsync();
        Assert.Contains("Helpdesk is created", page);
        Assert.Contains("Knowledge base", page);
        Assert.Equal(BotType.KnowledgeBase, (await BotAsync(id))!.Type);

        var limited = await ws.Tenant.PostFormAsync("/bots", Http.Form(("Input.Name", "Second"), ("Input.Type", "Sales")));
        limited.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Your plan includes 1 chatbot. Upgrade your plan", await limited.TextAsync());
        var list = await (await ws.Tenant.GetAsync("/bots")).TextAsync();
        Assert.Contains("Helpdesk", list);
        Assert.Contains("Your plan includes 1 chatbot and you're using it.", list);
        Assert.DoesNotContain("Create chatbot", list);
    }

    [Fact]
    public async Task Managers_and_agents_see_and_edit_only_what_they_are_assigned()
    {
        var ws = await app.SignUpAsync();
        await app.SetBotLimitAsync(ws.TenantId, 5);
        var mine = await CreateAsync(ws.Tenant, "Assigned bot");
        var other = await CreateAsync(ws.Tenant, "Someone else's bot");
        var managerEmail = await app.AddMemberAsync(ws.TenantId, Role.Manager);
        var agentEmail = await app.AddMemberAsync(ws.TenantId, Role.Agent);
        var assign = await ws.Tenant.PostFormAsync($"/bots/{mine}", $"/bots/{mine}?handler=Assign",
            Http.Form(("users", (await UserIdAsync(managerEmail)).ToString())), htmx: false);
        Assert.Contains("Assignments saved.", await assign.TextAsync());

        var manager = await app.SignInAsync(ws.Slug, managerEmail);
        var list = await (await manager.GetAsync("/bots")).TextAsync();
        Assert.Contains("Assigned bot", list);
        Assert.DoesNotContain("Someone else", list);
        Assert.DoesNotContain("New chatbot", list);
        (await manager.GetAsync($"/bots/{other}")).AssertStatus(HttpStatusCode.NotFound);
        var edit = await manager.PostFormAsync($"/bots/{mine}", $"/bots/{mine}?handler=Edit", Http.Form(("Input.Name", "Renamed by manager"), ("Input.Type", "Sales")));
        Assert.Contains("Saved.", await edit.TextAsync());
        Assert.Equal("Renamed by manager", (await BotAsync(mine))!.Name);
        var delete = await manager.PostFormAsync($"/bots/{mine}", $"/bots/{mine}?handler=Delete", Http.Form(("confirmation", "Renamed by manager")));
        Assert.Contains("/account/access-denied", delete.RedirectTarget() ?? "");
        Assert.NotNull(await BotAsync(mine));
        var create = await manager.PostFormAsync("/bots", "/bots", Http.Form(("Input.Name", "Sneaky"), ("Input.Type", "Sales")));
        Assert.Contains("/account/access-denied", create.RedirectTarget() ?? "");

        var agent = await app.SignInAsync(ws.Slug, agentEmail);
        Assert.Contains("No chatbots are assigned to you yet", await (await agent.GetAsync("/bots")).TextAsync());
        (await agent.GetAsync($"/bots/{mine}")).AssertStatus(HttpStatusCode.NotFound);

        var team = await (await ws.Tenant.GetAsync("/team")).TextAsync();
        Assert.Contains("Renamed by manager", team);
    }

    [Fact]
    public async Task Delete_needs_the_typed_name_and_takes_assignments_with_it()
    {
        var ws = await app.SignUpAsync();
        var id = await CreateAsync(ws.Tenant, "Doomed");
        var agentEmail = await app.AddMemberAsync(ws.TenantId, Role.Agent);
        await ws.Tenant.PostFormAsync($"/bots/{id}", $"/bots/{id}?handler=Assign", Http.Form(("users", (await UserIdAsync(agentEmail)).ToString())), htmx: false);
        var wrong = await ws.Tenant.PostFormAsync($"/bots/{id}", $"/bots/{id}?handler=Delete", Http.Form(("confirmation", "doomed")), htmx: false);
        wrong.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Type Doomed exactly", await wrong.TextAsync());

        var done = await ws.Tenant.PostFormAsync($"/bots/{id}", $"/bots/{id}?handler=Delete", Http.Form(("confirmation", "Doomed")));
        Assert.Equal("/bots", done.RedirectTarget());
        Assert.Null(await BotAsync(id));
        Assert.Equal(0, await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().BotAssignments.IgnoreQueryFilters().CountAsync(a => a.TenantId == ws.TenantId)));
        Assert.Contains("bot.deleted", await (await ws.Tenant.GetAsync("/audit")).TextAsync());
    }

    [Fact]
    public async Task Disabled_bot_says_so_and_can_be_enabled_again()
    {
        var ws = await app.SignUpAsync();
        var id = await CreateAsync(ws.Tenant, "Sleepy");
        await ws.Tenant.PostFormAsync($"/bots/{id}", $"/bots/{id}?handler=Status", Http.Form(("status", "Disabled")), htmx: false);
        Assert.Equal(BotStatus.Disabled, (await BotAsync(id))!.Status);
        Assert.Contains("This chatbot is disabled", await (await ws.Tenant.GetAsync($"/bots/{id}")).TextAsync());
        await ws.Tenant.PostFormAsync($"/bots/{id}", $"/bots/{id}?handler=Status", Http.Form(("status", "Enabled")), htmx: false);
        Assert.Equal(BotStatus.Enabled, (await BotAsync(id))!.Status);
    }

    [Fact]
    public async Task Bots_of_another_workspace_are_404_for_every_handler()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var id = await CreateAsync(a.Tenant, "Private bot");
        (await b.Tenant.GetAsync($"/bots/{id}")).AssertStatus(HttpStatusCode.NotFound);
        foreach (var handler in new[] { "Edit", "Status", "Assign", "Delete" })
        {
            var response = await b.Tenant.PostFormAsync("/bots", $"/bots/{id}?handler={handler}",
                Http.Form(("Input.Name", "Stolen"), ("status", "Disabled"), ("confirmation", "Private bot")));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{handler}: {(int)response.StatusCode}");
        }
        var bot = await BotAsync(id);
        Assert.Equal("Private bot", bot!.Name);
        Assert.Equal(BotStatus.Enabled, bot.Status);
        Assert.DoesNotContain("Private bot", await (await b.Tenant.GetAsync("/bots")).TextAsync());
    }

    [Fact]
    public async Task Invitation_grants_the_chosen_bots_to_an_agent()
    {
        var ws = await app.SignUpAsync();
        await app.SetSeatsAsync(ws.TenantId, 5);
        await app.SetBotLimitAsync(ws.TenantId, 5);
        var granted = await CreateAsync(ws.Tenant, "Granted bot");
        await CreateAsync(ws.Tenant, "Withheld bot");
        var email = $"agent-{Guid.NewGuid():n}@example.test";
        var botId = (await BotAsync(granted))!.Id;
        var sent = await ws.Tenant.PostFormAsync("/team", "/team?handler=Invite",
            [new("email", email), new("role", "Agent"), new("bots", botId.ToString())]);
        sent.AssertStatus(HttpStatusCode.OK);
        var link = (await app.Mail.WaitForAsync(email, "You're invited")).Link("/invitations/accept");
        var token = Regex.Match(link.Query, "token=([^&]+)").Groups[1].Value;
        var agent = app.Client($"{ws.Slug}.localhost");
        await agent.PostFormAsync(link.PathAndQuery, "/invitations/accept", Http.Form(("Input.Token", token), ("Input.FullName", "Ann Agent"), ("Input.Password", "agent password 1")));
        var list = await (await agent.GetAsync("/bots")).TextAsync();
        Assert.Contains("Granted bot", list);
        Assert.DoesNotContain("Withheld bot", list);

        // Someone else's bot id cannot be slipped into an invitation.
        var other = await app.SignUpAsync();
        var foreign = await CreateAsync(other.Tenant, "Foreign bot");
        var refused = await ws.Tenant.PostFormAsync("/team", "/team?handler=Invite",
            [new("email", $"x-{Guid.NewGuid():n}@example.test"), new("role", "Agent"), new("bots", (await BotAsync(foreign))!.Id.ToString())]);
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("only give access to chatbots you can see", await refused.TextAsync());
    }
}

public sealed class BotTests_Sqlite(SqliteApp app) : BotTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class BotTests_Postgres(PostgresApp app) : BotTests<PostgresApp>(app);
