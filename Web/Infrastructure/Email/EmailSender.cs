using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using Microsoft.Extensions.Options;

namespace Parley.Infrastructure.Email;

public sealed record EmailMessage(string To, string Subject, string Text, string Html);

public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct = default);
}

/// <summary>
/// Sends mail over SMTP with System.Net.Mail; with no SMTP host configured it writes .eml files to the
/// pickup folder instead, which /dev/mail lists in development.
/// </summary>
public sealed class SmtpEmailSender(IOptions<MailOptions> options, IHostEnvironment env, ILogger<SmtpEmailSender> log) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        var o = options.Value;
        using var mail = new MailMessage
        {
            From = new MailAddress(o.From, o.FromName),
            // A subject is one header line: any CR/LF from user text would make it invalid (or inject headers).
            Subject = string.Concat(message.Subject.Select(c => char.IsControl(c) ? ' ' : c)),
            Body = message.Text,
            BodyEncoding = System.Text.Encoding.UTF8,
            SubjectEncoding = System.Text.Encoding.UTF8,
        };
        mail.To.Add(message.To);
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.Html, System.Text.Encoding.UTF8, MediaTypeNames.Text.Html));

        using var client = new SmtpClient();
        if (string.IsNullOrWhiteSpace(o.SmtpHost))
        {
            var folder = PickupFolder(o, env);
            Directory.CreateDirectory(folder);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = folder;
        }
        else
        {
            client.Host = o.SmtpHost;
            client.Port = o.SmtpPort;
            client.EnableSsl = o.SmtpSsl;
            if (!string.IsNullOrEmpty(o.SmtpUser)) client.Credentials = new NetworkCredential(o.SmtpUser, o.SmtpPassword);
        }
        await client.SendMailAsync(mail, ct);
        log.LogInformation("Sent mail {Subject} to {To}", message.Subject, message.To);
    }

    public static string PickupFolder(MailOptions o, IHostEnvironment env) =>
        Path.IsPathRooted(o.PickupDirectory) ? o.PickupDirectory : Path.Combine(env.ContentRootPath, o.PickupDirectory);
}

public static class EmailSetup
{
    public static IHostApplicationBuilder AddParleyEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        return builder;
    }
}
