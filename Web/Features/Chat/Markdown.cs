using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Parley.Features.Chat;

/// <summary>
/// Answers as safe HTML: Markdown with raw HTML off; links (written or autolinks) kept only for http(s) and mailto, web links shown with their host, opened in
/// a new tab without referrer; images never loaded, shown as a link to where they are.
/// </summary>
public static class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().UseEmphasisExtras().Build();

    /// <summary>The words of a Markdown text without its marks (a one-line snippet in lists): "**Yes**, see [1]" → "Yes, see [1]".</summary>
    public static string ToPlain(string? markdown) =>
        System.Text.RegularExpressions.Regex.Replace(Markdig.Markdown.ToPlainText(markdown ?? "", Pipeline), @"\s+", " ").Trim();

    public static string ToHtml(string markdown)
    {
        var doc = Markdig.Markdown.Parse(markdown ?? "", Pipeline);
        // <scheme:...> autolinks: only web and mail addresses stay links; anything else (javascript:, data:, ...) is text.
        foreach (var auto in doc.Descendants<AutolinkInline>().ToList())
        {
            if (auto.IsEmail) continue;
            if (Uri.TryCreate(auto.Url, UriKind.Absolute, out var target) && target.Scheme is "http" or "https" or "mailto") continue;
            auto.ReplaceBy(new LiteralInline($"<{auto.Url}>"));
        }
        foreach (var link in doc.Descendants<LinkInline>().ToList())
        {
            if (!link.IsImage && Uri.TryCreate(link.Url, UriKind.Absolute, out var mail) && mail.Scheme == "mailto") continue;
            var safe = Uri.TryCreate(link.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
            if (link.IsImage)
            {
                var text = safe is null ? "image" : $"image on {safe.Host}";
                Inline replacement = new LiteralInline($"[{text}]");
                if (safe is not null)
                {
                    var anchor = new LinkInline(safe.AbsoluteUri, "");
                    anchor.AppendChild(new LiteralInline($"[{text}]"));
                    replacement = anchor;
                }
                link.ReplaceBy(replacement);
                if (replacement is LinkInline l) Decorate(l, safe!);
                continue;
            }
            if (safe is null)
            {
                var container = new ContainerInline();
                foreach (var child in link.ToList()) { child.Remove(); container.AppendChild(child); }
                link.ReplaceBy(container);
                continue;
            }
            link.Url = safe.AbsoluteUri;
            Decorate(link, safe);
        }
        var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(doc);
        // Citation marks [n] become small badges (text only: brackets never occur inside the tags Markdig writes here).
        return System.Text.RegularExpressions.Regex.Replace(writer.ToString(), @"\[(\d{1,2})\]", "<sup class=\"cite\">$1</sup>");
    }

    private static void Decorate(LinkInline link, Uri uri)
    {
        var attrs = link.GetAttributes();
        attrs.AddPropertyIfNotExist("target", "_blank");
        attrs.AddPropertyIfNotExist("rel", "nofollow noopener noreferrer");
        attrs.AddPropertyIfNotExist("title", uri.Host);
        link.InsertAfter(new LiteralInline($" ({uri.Host})"));
    }
}
