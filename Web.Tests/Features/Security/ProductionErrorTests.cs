using Parley.Infrastructure.Email;

namespace Parley.Tests.Features.Security;

/// <summary>
/// In Production a failure shows a friendly page with a reference, never a stack trace, a blank 500 or a 404; here the
/// mail server is down while someone asks for a password reset.
/// </summary>
public sealed class ProductionErrorTests : IAsyncLifetime
{
    private readonly SqliteApp app = new()
    {
        Environment = "Production",
        // The seed left to its default; the settings Production insists on given (mail goes to the broken server below).
        Settings = new() { ["Parley:SeedDemo"] = "", ["Parley:Storage:Provider"] = "FileSystem", ["Parley:Mail:SmtpHost"] = "127.0.0.1", ["Parley:Mail:From"] = "hello@parley.test" },
        TestServices = s => s.AddSingleton<IEmailSender, BrokenMailServer>(),
    };

    private sealed class BrokenMailServer : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken ct = default) => throw new InvalidOperationException("SMTP server refused the connection (secret detail)");
    }

    public Task InitializeAsync() => app.InitializeAsync();
    public Task DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task A_crash_shows_the_error_page_with_a_reference_and_no_details()
    {
        var email = $"someone-{Guid.NewGuid():N}@example.test";
        await app.ScopedAsync(async sp => (await sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Parley.Features.Accounts.AppUser>>()
            .CreateAsync(new() { UserName = email, Email = email, FullName = "Some One" }, Workspaces.Password)).Succeeded);
        var response = await app.Client().PostFormAsync("/account/forgot-password", Http.Form(("Input.Email", email)), htmx: false);
        response.AssertStatus(HttpStatusCode.InternalServerError);
        var page = await response.TextAsync();
        Assert.Contains("Something went wrong on our side", page);
        Assert.Matches("data-testid=\"error-reference\">[0-9a-f]{32}<", await response.BodyAsync());
        Assert.DoesNotContain("secret detail", page);
        Assert.DoesNotContain("InvalidOperationException", page);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        (await app.Client().GetAsync("/dev/mail")).AssertStatus(HttpStatusCode.NotFound); // development tools stay out of Production
        var ready = await (await app.Client().GetAsync("/readyz")).BodyAsync();
        Assert.DoesNotContain("database", ready);
        // No demo account with a printed password on a public server unless asked for.
        Assert.False(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.AnyAsync(t => t.Slug == "demo")));
    }
}
