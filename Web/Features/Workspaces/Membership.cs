using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Workspaces;

/// <summary>The four roles of a workspace, most powerful first.</summary>
public enum Role { Owner = 0, Admin = 1, Manager = 2, Agent = 3 }

public class Membership : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public Role Role { get; set; }
    public DateTimeOffset JoinedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LeftAt { get; set; }

    public bool IsActive => LeftAt is null;
}

public static class WorkspaceOwner
{
    /// <summary>The current workspace's owner's email address (for notices about the workspace), or null.</summary>
    public static Task<string?> EmailAsync(AppDbContext db, CancellationToken ct) =>
        db.Memberships.Where(m => m.Role == Role.Owner && m.LeftAt == null)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).FirstOrDefaultAsync(ct);

    /// <summary>
    /// A notice to the current workspace's owner through the outbox (saved with the caller's changes): paragraphs as plain
    /// text and HTML alike, and an optional link at the end.
    /// </summary>
    public static async Task MailAsync(AppDbContext db, Infrastructure.Email.IEmailSender mail, string subject, IReadOnlyList<string> paragraphs,
        (string Text, string Url)? link, CancellationToken ct)
    {
        if (await EmailAsync(db, ct) is not { } owner) return;
        var text = string.Join("\n\n", paragraphs) + (link is { } l ? $"\n\n{l.Text}: {l.Url}" : "");
        var html = string.Concat(paragraphs.Select(p => $"<p>{System.Net.WebUtility.HtmlEncode(p)}</p>")) +
                   (link is { } a ? $"<p><a href=\"{System.Net.WebUtility.HtmlEncode(a.Url)}\">{System.Net.WebUtility.HtmlEncode(a.Text)}</a></p>" : "");
        await mail.SendAsync(new Infrastructure.Email.EmailMessage(owner, subject, text, html), ct);
    }
}
