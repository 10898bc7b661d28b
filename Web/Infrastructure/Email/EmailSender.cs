using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Parley.Infrastructure.Email;

public sealed record EmailMessage(string To, string Subject, string Text, string Html);

/// <summary>
/// Sends mail the only way Parley does: by writing it to the outbox. The mail is saved with whatever else the caller
/// has pending on the request's database context (so a change and the mail it causes commit together), and a
/// background dispatcher delivers it after the commit. A mail server outage never fails or slows the request.
/// </summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct = default);
}

/// <summary>One mail waiting for (or done with) delivery. Shared: account mail belongs to no workspace.</summary>
public class OutboxMail
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The workspace whose action caused the mail, when there is one (for support, not for filtering).</summary>
    public Guid? TenantId { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public string Html { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>Set by the instance delivering it; another instance leaves the mail alone until then.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>Set when every attempt failed; the mail stays here with its last error.</summary>
    public DateTimeOffset? FailedAt { get; set; }
    public string? LastError { get; set; }
}

public sealed class OutboxEmailSender(AppDbContext db, Tenancy.ITenantContext tenant, MailDispatchSignal signal, TimeProvider clock) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        db.OutboxMails.Add(new OutboxMail
        {
            TenantId = tenant.TenantId, To = message.To, Subject = OneLine(message.Subject), Text = message.Text, Html = message.Html,
            CreatedAt = now, NextAttemptAt = now,
        });
        await db.SaveChangesAsync(ct);
        signal.Poke(); // committed: this instance delivers it at once; any instance would within its poll interval
    }

    /// <summary>A subject is one header line: CR/LF from user text would make it invalid (or inject headers).</summary>
    public static string OneLine(string s) => string.Concat(s.Select(c => char.IsControl(c) ? ' ' : c));
}

/// <summary>Wakes this instance's dispatcher when a mail was just queued here; the poll catches everything else.</summary>
public sealed class MailDispatchSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);
    public void Poke() { try { signal.Release(); } catch (SemaphoreFullException) { } }
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}

/// <summary>Hands a mail to the world: an SMTP server (MailKit), or the pickup folder that /dev/mail reads.</summary>
public interface IMailTransport
{
    Task DeliverAsync(IReadOnlyList<MimeMessage> messages, Func<int, Exception?, Task> done, CancellationToken ct);
}

public static class Mime
{
    public static MimeMessage From(OutboxMail mail, MailOptions o)
    {
        var message = new MimeMessage { Subject = mail.Subject, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId() };
        message.From.Add(new MailboxAddress(o.FromName, o.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Date = mail.CreatedAt;
        message.Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody();
        return message;
    }
}

/// <summary>SMTP through MailKit: one connection for a batch, TLS on connect or STARTTLS when offered, login when configured.</summary>
public sealed class SmtpMailTransport(IOptions<MailOptions> options) : IMailTransport
{
    public async Task DeliverAsync(IReadOnlyList<MimeMessage> messages, Func<int, Exception?, Task> done, CancellationToken ct)
    {
        var o = options.Value;
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(o.SmtpHost!, o.SmtpPort, o.SmtpSsl ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, ct);
        if (!string.IsNullOrEmpty(o.SmtpUser)) await client.AuthenticateAsync(o.SmtpUser, o.SmtpPassword ?? "", ct);
        for (var i = 0; i < messages.Count; i++)
        {
            Exception? failure = null;
            try { await client.SendAsync(messages[i], ct); }
            catch (Exception e) when (e is SmtpCommandException or ParseException) { failure = e; } // this message only; the connection goes on
            await done(i, failure);
        }
        await client.DisconnectAsync(true, ct);
    }
}

/// <summary>Development default: each mail as an .eml file in the pickup folder, shown at /dev/mail.</summary>
public sealed class PickupMailTransport(IOptions<MailOptions> options, IHostEnvironment env) : IMailTransport
{
    public async Task DeliverAsync(IReadOnlyList<MimeMessage> messages, Func<int, Exception?, Task> done, CancellationToken ct)
    {
        var folder = PickupFolder(options.Value, env);
        Directory.CreateDirectory(folder);
        for (var i = 0; i < messages.Count; i++)
        {
            await messages[i].WriteToAsync(Path.Combine(folder, $"{Guid.CreateVersion7():N}.eml"), ct);
            await done(i, null);
        }
    }

    public static string PickupFolder(MailOptions o, IHostEnvironment env) =>
        Path.IsPathRooted(o.PickupDirectory) ? o.PickupDirectory : Path.Combine(env.ContentRootPath, o.PickupDirectory);
}

public static class EmailSetup
{
    public static IHostApplicationBuilder AddParleyEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<IEmailSender, OutboxEmailSender>();
        builder.Services.AddSingleton<MailDispatchSignal>();
        builder.Services.AddSingleton<IMailTransport>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<MailOptions>>().Value.SmtpHost)
            ? ActivatorUtilities.CreateInstance<PickupMailTransport>(sp)
            : ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp));
        if (builder.Configuration.GetValue($"{MailOptions.Section}:Dispatch", true)) builder.Services.AddHostedService<MailDispatcher>();
        return builder;
    }
}
