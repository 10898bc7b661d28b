using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.E2E.Infrastructure;
using Parley.Infrastructure.Data;

namespace Parley.E2E;

public class TeamFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Owner_invites_a_manager_who_signs_up_from_the_mail_and_sees_only_manager_sections()
    {
        var slug = $"team-{Guid.NewGuid().ToString("n")[..8]}";
        var owner = await app.NewPageAsync();
        await owner.GotoAsync($"{app.RootUrl}/signup");
        await owner.GetByLabel("Your name").FillAsync("Olivia Owner");
        await owner.GetByLabel("Work email").FillAsync($"{slug}@example.test");
        await owner.GetByLabel("Password").FillAsync("correct horse battery");
        await owner.GetByLabel("Workspace name").FillAsync("Team Co");
        await owner.GetByLabel("Subdomain").FillAsync(slug);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await owner.WaitForURLAsync(new Regex("/dashboard"));
        await app.SetSeatsAsync(slug, 5); // as if upgraded: the Free plan has one seat

        await owner.GetByRole(AriaRole.Link, new() { Name = "Team", Exact = true }).ClickAsync();
        var managerEmail = $"manager-{slug}@example.test";
        await owner.GetByLabel("Email").FillAsync(managerEmail);
        await owner.GetByLabel("Role").SelectOptionAsync("Manager");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(owner.GetByTestId("invitations")).ToContainTextAsync(managerEmail);
        await app.ScreenshotAsync(owner, "team");

        var mail = await app.Mail.WaitForAsync(managerEmail, "You're invited");
        var invitee = await app.NewPageAsync(); // a second browser context: another person
        await invitee.GotoAsync(mail.Link("/invitations/accept").ToString());
        await Assertions.Expect(invitee.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Join Team Co");
        await invitee.GetByLabel("Your name").FillAsync("Max Manager");
        await invitee.GetByLabel("Choose a password").FillAsync("manager password 1");
        await app.ScreenshotAsync(invitee, "invitation-accept");
        await invitee.GetByRole(AriaRole.Button, new() { Name = "Create account and join" }).ClickAsync();
        await invitee.WaitForURLAsync($"{app.TenantUrl(slug)}/dashboard?joined=true");

        var nav = invitee.GetByRole(AriaRole.Navigation, new() { Name = "Sections" });
        await Assertions.Expect(nav.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Overview", "Inbox", "Chatbots", "Leads", "Analytics", "Team"]);
        await app.ScreenshotAsync(invitee, "manager-dashboard");

        await owner.ReloadAsync();
        await Assertions.Expect(owner.GetByTestId("members")).ToContainTextAsync("Max Manager");
        await Assertions.Expect(owner.GetByTestId("invitations")).ToHaveCountAsync(0);
    }
}
