using System.Text;
using System.Text.RegularExpressions;

namespace Parley.Infrastructure.Email;

public sealed record StoredMail(string File, string To, string Subject, DateTimeOffset Date, string Text);

/// <summary>Reads the .eml files System.Net.Mail writes to a pickup folder: headers, and the text/plain part decoded.</summary>
public static partial class EmlReader
{
    public static StoredMail Read(string path)
    {
        var raw = File.ReadAllText(path);
        var (headers, body) = Split(raw);
        var date = DateTimeOffset.TryParse(Header(headers, "Date"), out var d) ? d : new DateTimeOffset(File.GetLastWriteTimeUtc(path));
        return new StoredMail(Path.GetFileName(path), DecodeWords(Header(headers, "To")), DecodeWords(Header(headers, "Subject")), date, TextPart(headers, body));
    }

    private static (string Headers, string Body) Split(string part)
    {
        var i = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return i < 0 ? (part, "") : (part[..i], part[(i + 4)..]);
    }

    private static string Header(string headers, string name)
    {
        var m = Regex.Match(headers, $@"^{name}:[ \t]*([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", RegexOptions.Multiline | RegexOptions.IgnoreCase);
        return m.Success ? Regex.Replace(m.Groups[1].Value, @"\r\n[ \t]+", " ").Trim() : "";
    }

    private static string TextPart(string headers, string body)
    {
        var type = Header(headers, "Content-Type");
        var boundary = Regex.Match(type, "boundary=\"?([^\";]+)\"?");
        if (type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) && boundary.Success)
        {
            foreach (var part in body.Split("--" + boundary.Groups[1].Value).Skip(1))
            {
                var (h, b) = Split(part.TrimStart('\r', '\n'));
                var text = TextPart(h, b);
                if (text.Length > 0) return text;
            }
            return "";
        }
        if (type.Length > 0 && !type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)) return "";
        return Decode(body, Header(headers, "Content-Transfer-Encoding"));
    }

    private static string Decode(string body, string encoding) => encoding.ToLowerInvariant() switch
    {
        "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(Regex.Replace(body, @"\s", ""))),
        "quoted-printable" => QuotedPrintable(body),
        _ => body,
    };

    private static string QuotedPrintable(string s)
    {
        s = s.Replace("=\r\n", "");
        var bytes = new List<byte>();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '=' && i + 2 < s.Length && Uri.IsHexDigit(s[i + 1]) && Uri.IsHexDigit(s[i + 2]))
            {
                bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>RFC 2047 encoded words, as System.Net.Mail writes a UTF-8 subject.</summary>
    private static string DecodeWords(string value) => EncodedWord().Replace(value, m =>
    {
        var text = m.Groups[3].Value;
        return m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(text))
            : QuotedPrintable(text.Replace('_', ' '));
    }).Replace("?= =?", "");

    [GeneratedRegex(@"=\?([^?]+)\?([BQbq])\?([^?]*)\?=\s*")]
    private static partial Regex EncodedWord();
}
