using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Parley.Infrastructure.Email;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Accounts;

public static class AccountsSetup
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<UserWorkspaces>();
        builder.Services.AddScoped<AccountMail>();
        builder.Services.AddScoped<LoginRecorder>();
        return builder;
    }
}

/// <summary>The account emails: each carries a single-purpose Identity token in a link to the right host.</summary>
public sealed class AccountMail(UserManager<AppUser> users, IEmailSender email)
{
    public async Task SendConfirmationAsync(AppUser user, string baseUrl, CancellationToken ct = default)
    {
        var code = Encode(await users.GenerateEmailConfirmationTokenAsync(user));
        var url = $"{baseUrl}/account/confirm-email?userId={user.Id}&code={code}";
        await email.SendAsync(EmailTemplates.Action(user.Email!, "Confirm your email for Parley", $"Hi {user.FullName},",
            "Welcome to Parley! Please confirm your email address so we can reach you about your workspace.", "Confirm email", url), ct);
    }

    public async Task SendPasswordResetAsync(AppUser user, string baseUrl, CancellationToken ct = default)
    {
        var code = Encode(await users.GeneratePasswordResetTokenAsync(user));
        var url = $"{baseUrl}/account/reset-password?email={WebUtility.UrlEncode(user.Email)}&code={code}";
        await email.SendAsync(EmailTemplates.Action(user.Email!, "Reset your Parley password", $"Hi {user.FullName},",
            "Someone asked to reset the password of your Parley account. The link works once, for a limited time.", "Choose a new password", url), ct);
    }

    public async Task SendEmailChangeAsync(AppUser user, string newEmail, string baseUrl, CancellationToken ct = default)
    {
        var code = Encode(await users.GenerateChangeEmailTokenAsync(user, newEmail));
        var url = $"{baseUrl}/account/confirm-email/change?userId={user.Id}&email={WebUtility.UrlEncode(newEmail)}&code={code}";
        await email.SendAsync(EmailTemplates.Action(newEmail, "Confirm your new email for Parley", $"Hi {user.FullName},",
            $"Confirm that you want to sign in to Parley with {newEmail} from now on.", "Confirm new email", url), ct);
    }

    /// <summary>Tells the old address that a change was asked for, so its owner can act if it wasn't them.</summary>
    public Task SendEmailChangeNoticeAsync(AppUser user, string newEmail, string baseUrl, CancellationToken ct = default) =>
        email.SendAsync(EmailTemplates.Action(user.Email!, "Your Parley email is being changed", $"Hi {user.FullName},",
            $"Someone signed in to your Parley account asked to change its email from {user.Email} to {newEmail}. The change happens only when the new address confirms it.",
            "Review your security settings", $"{baseUrl}/account/security",
            "If this wasn't you, change your password now and use \"Sign out everywhere\" on that page."), ct);

    public Task SendWorkspaceListAsync(string to, IReadOnlyList<(string Name, string Url)> workspaces, string signupUrl, CancellationToken ct = default)
    {
        if (workspaces.Count == 0)
            return email.SendAsync(EmailTemplates.Action(to, "Your Parley workspaces", "Hello,",
                "We couldn't find a Parley workspace for this email address. You can create one in a minute.", "Create a workspace", signupUrl), ct);
        var list = string.Join("\n", workspaces.Select(w => $"• {w.Name}: {w.Url}"));
        return email.SendAsync(EmailTemplates.Action(to, "Your Parley workspaces", "Hello,",
            $"This email address belongs to these Parley workspaces:\n{list}", $"Open {workspaces[0].Name}", workspaces[0].Url + "/account/login"), ct);
    }

    public static string Encode(string token) => WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));

    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code)) return null;
        try { return System.Text.Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)); }
        catch (FormatException) { return null; }
    }
}

/// <summary>Writes one login-history row per sign-in attempt.</summary>
public sealed class LoginRecorder(AppDbContext db, IHttpContextAccessor http, ITenantContext tenant, TimeProvider clock)
{
    public async Task RecordAsync(AppUser user, bool succeeded, string? failure = null)
    {
        var ctx = http.HttpContext;
        var agent = ctx?.Request.Headers.UserAgent.ToString();
        db.LoginHistory.Add(new LoginHistory
        {
            UserId = user.Id, TenantId = tenant.TenantId, At = clock.GetUtcNow(), Succeeded = succeeded, FailureReason = failure,
            IpAddress = ctx?.Connection.RemoteIpAddress?.ToString(), UserAgent = agent?.Length > 500 ? agent[..500] : agent,
        });
        if (succeeded) user.LastLoginAt = clock.GetUtcNow();
        await db.SaveChangesAsync();
    }
}
