using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Infrastructure.Email;

namespace Parley.Tests.Infrastructure;

public sealed record ReceivedMail(string To, string Subject, string Text)
{
    /// <summary>The first link in the mail whose path contains <paramref name="pathPart"/>.</summary>
    public Uri Link(string pathPart) =>
        new(Regex.Matches(Text, @"https?://[^\s""<>]+").Select(m => m.Value).First(u => u.Contains(pathPart)));
}

/// <summary>Reads what the app really sent: from maildev's REST API in the test command, or from the pickup folder.</summary>
public sealed class Mailbox(string folder, bool useMaildev = true)
{
    private static readonly string? MaildevUrl = Environment.GetEnvironmentVariable("PARLEY_TEST_MAILDEV_URL");
    private static readonly HttpClient Http = new();

    /// <summary>
    /// The newest mail to an address about a subject, once at least <paramref name="count"/> such mails arrived: mail
    /// leaves through the outbox after the request, so it is waited for (up to 20 seconds).
    /// </summary>
    public async Task<ReceivedMail> WaitForAsync(string to, string subjectContains, int count = 1)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var found = (await AllAsync()).Where(m =>
                m.To.Contains(to, StringComparison.OrdinalIgnoreCase) && m.Subject.Contains(subjectContains, StringComparison.OrdinalIgnoreCase)).ToList();
            if (found.Count >= count) return found[^1];
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No mail to {to} about '{subjectContains}' arrived.");
    }

    public async Task<int> CountAsync(string to) => (await AllAsync()).Count(m => m.To.Contains(to, StringComparison.OrdinalIgnoreCase));

    public async Task<int> CountAsync(string to, string subjectContains) => (await AllAsync()).Count(m =>
        m.To.Contains(to, StringComparison.OrdinalIgnoreCase) && m.Subject.Contains(subjectContains, StringComparison.OrdinalIgnoreCase));

    private async Task<List<ReceivedMail>> AllAsync()
    {
        if (useMaildev && MaildevUrl is not null)
        {
            var mails = await Http.GetFromJsonAsync<JsonElement[]>($"{MaildevUrl}/email") ?? [];
            return mails.Select(m => new ReceivedMail(
                string.Join(",", m.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString())),
                m.GetProperty("subject").GetString() ?? "",
                m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "")).ToList();
        }
        if (!Directory.Exists(folder)) return [];
        // The Date header has whole seconds; the file's write time orders mails sent within one second.
        // A mail still being written is left for the next look (its writer holds the file).
        return Directory.EnumerateFiles(folder, "*.eml").OrderBy(File.GetLastWriteTimeUtc).Select(TryRead).OfType<ReceivedMail>().ToList();

        static ReceivedMail? TryRead(string path)
        {
            try { var m = EmlReader.Read(path); return new ReceivedMail(m.To, m.Subject, m.Text); }
            catch (IOException) { return null; }
        }
    }
}
