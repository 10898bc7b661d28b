using Microsoft.Extensions.Options;
using Parley.Infrastructure;
using Parley.Infrastructure.Email;

namespace Parley.Features.DevMail;

/// <summary>Development only: the mail Parley "sent" to the pickup folder, newest first.</summary>
public class IndexModel(IOptions<MailOptions> options, IWebHostEnvironment env) : PageModel
{
    public List<StoredMail> Mails { get; private set; } = [];
    public StoredMail? Selected { get; private set; }

    public IActionResult OnGet(string? file)
    {
        if (!env.IsDevelopment()) return NotFound();
        var folder = PickupMailTransport.PickupFolder(options.Value, env);
        if (Directory.Exists(folder))
            Mails = Directory.EnumerateFiles(folder, "*.eml").Select(EmlReader.Read).OrderByDescending(m => m.Date).Take(200).ToList();
        Selected = file is null ? Mails.FirstOrDefault() : Mails.FirstOrDefault(m => m.File == file);
        return Page();
    }

    /// <summary>The mail text, encoded, with its links made clickable.</summary>
    public static string Linkify(string text) => System.Text.RegularExpressions.Regex.Replace(
        System.Net.WebUtility.HtmlEncode(text), @"https?://[^\s<]+", m => $"<a class=\"link\" href=\"{m.Value}\">{m.Value}</a>");
}
