using MimeKit;

namespace Parley.Infrastructure.Email;

public sealed record StoredMail(string File, string To, string Subject, DateTimeOffset Date, string Text);

/// <summary>Reads the .eml files of the pickup folder with MimeKit: recipients, subject, date and the plain text.</summary>
public static class EmlReader
{
    public static StoredMail Read(string path)
    {
        using var message = MimeMessage.Load(path);
        return new StoredMail(Path.GetFileName(path), string.Join(", ", message.To.Mailboxes.Select(m => m.Address)), message.Subject ?? "",
            message.Date == default ? new DateTimeOffset(File.GetLastWriteTimeUtc(path)) : message.Date, message.TextBody ?? "");
    }
}
