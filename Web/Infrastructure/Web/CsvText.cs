using System.Text;

namespace Parley.Infrastructure.Web;

/// <summary>
/// CSV downloads (RFC 4180, CRLF, UTF-8 with a byte order mark so spreadsheets read accents): cells a spreadsheet would
/// run as a formula (=, +, -, @, tab, CR) are prefixed with an apostrophe.
/// </summary>
public sealed class CsvText
{
    private readonly StringBuilder sb = new();

    public CsvText Line(IEnumerable<string> cells)
    {
        sb.AppendJoin(',', cells.Select(c =>
        {
            if (c.Length > 0 && c[0] is '=' or '+' or '-' or '@' or '\t' or '\r') c = "'" + c;
            return c.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{c.Replace("\"", "\"\"")}\"" : c;
        }));
        sb.Append("\r\n");
        return this;
    }

    public FileContentResult File(string name) =>
        new(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(sb.ToString())).ToArray(), "text/csv; charset=utf-8") { FileDownloadName = name };
}
