using AngleSharp.Html.Parser;
using System.Text;

namespace Parley.Features.Knowledge.Extraction;

/// <summary>Web pages through AngleSharp (main text only: navigation, headers, footers, scripts and forms dropped), and plain text formats.</summary>
public static class HtmlAndTextExtractor
{
    private static readonly string[] Noise = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg", "iframe", "[aria-hidden=true]", "[role=navigation]",
        // Permalink marks documentation generators put on headings and definitions (Sphinx, MkDocs, Docusaurus, anchor.js).
        "a.headerlink", "a.anchor", "a.hash-link", "a.anchorjs-link", "a.heading-anchor", "a.header-anchor"];

    public static ExtractedDocument Html(string html) => Html(new HtmlParser().ParseDocument(html));

    /// <summary>
    /// Main text of a parsed page. Removes the noise elements from the document it is given, and link-dense lists and
    /// tables (navigation that is not marked as such: Prev/Up/Next rows, tables of contents). Each block is read once
    /// (a paragraph inside a list item or a definition is part of it), and the headings above a block are kept by level,
    /// so an h4 note does not stay above the h3 that follows it.
    /// </summary>
    public static ExtractedDocument Html(AngleSharp.Html.Dom.IHtmlDocument doc)
    {
        foreach (var element in doc.QuerySelectorAll(string.Join(",", Noise)).ToList()) element.Remove();
        foreach (var element in doc.QuerySelectorAll("table,ul,ol,dl").Where(LinkDense).ToList()) element.Remove();
        var root = (AngleSharp.Dom.IElement?)doc.QuerySelector("main") ?? doc.QuerySelector("article") ?? doc.Body;
        var sections = new List<Section>();
        var headings = new string?[7];
        var current = new StringBuilder();
        void Flush()
        {
            var text = current.ToString().Trim();
            if (text.Length > 0) sections.Add(new Section(null, headings.OfType<string>().ToList(), text));
            current.Clear();
        }
        foreach (var el in root?.QuerySelectorAll(Blocks) ?? Enumerable.Empty<AngleSharp.Dom.IElement>())
        {
            var text = Normalize(el.TextContent);
            if (text.Length == 0 || el.ParentElement?.Closest(Blocks) is not null) continue;
            if (el.LocalName is ['h', >= '1' and <= '6'])
            {
                Flush();
                var level = el.LocalName[1] - '0';
                headings[level] = text.TrimEnd('¶', '#', '§', ' ');
                for (var deeper = level + 1; deeper < headings.Length; deeper++) headings[deeper] = null;
            }
            else current.AppendLine(el.LocalName switch { "li" => "- " + text, "dt" => text + ":", _ => text });
        }
        Flush();
        var title = Normalize(doc.Title ?? "");
        return new ExtractedDocument(title.Length > 0 ? title : null, sections);
    }

    private const string Blocks = "h1,h2,h3,h4,h5,h6,p,li,td,th,pre,blockquote,dt,dd";

    /// <summary>A list or table that is mostly links (at least three, and most of its text) is navigation.</summary>
    private static bool LinkDense(AngleSharp.Dom.IElement element)
    {
        var links = element.QuerySelectorAll("a[href]");
        if (links.Length < 3) return false;
        var text = Normalize(element.TextContent).Length;
        var linked = links.Sum(a => Normalize(a.TextContent).Length);
        return text > 0 && linked >= text * 0.6;
    }

    public static ExtractedDocument Markdown(string text)
    {
        var sections = new List<Section>();
        var headings = new List<string>();
        var current = new StringBuilder();
        void Flush()
        {
            var t = current.ToString().Trim();
            if (t.Length > 0) sections.Add(new Section(null, headings.ToList(), t));
            current.Clear();
        }
        foreach (var line in Lines(text))
        {
            var trimmed = line.TrimStart();
            var level = trimmed.TakeWhile(c => c == '#').Count();
            if (level is >= 1 and <= 6 && trimmed.Length > level && trimmed[level] == ' ')
            {
                Flush();
                while (headings.Count >= level) headings.RemoveAt(headings.Count - 1);
                headings.Add(trimmed[level..].Trim());
            }
            else current.AppendLine(line);
        }
        Flush();
        return new ExtractedDocument(null, sections);
    }

    public static ExtractedDocument Text(string text)
    {
        var body = string.Join("\n", Lines(text)).Trim();
        return new ExtractedDocument(null, body.Length == 0 ? [] : [new Section(null, [], body)]);
    }

    public static ExtractedDocument Csv(string text)
    {
        var rows = Lines(text).Where(l => l.Trim().Length > 0).ToList();
        if (rows.Count == 0) return new ExtractedDocument(null, []);
        var header = rows[0];
        // Each row keeps the header so a passage about one row still says what its columns are.
        var body = string.Join("\n", rows.Skip(1).Select(r => $"{header} => {r}"));
        return new ExtractedDocument(null, [new Section(null, [], rows.Count == 1 ? header : body)]);
    }

    private static IEnumerable<string> Lines(string text) => text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(l => l.TrimEnd());

    private static string Normalize(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
