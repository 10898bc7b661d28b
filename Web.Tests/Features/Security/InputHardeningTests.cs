using Parley.Features.Chat;
using Parley.Features.Domains;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Security;

/// <summary>Issue 11's findings in pure functions: Markdown links, the verification tag parser, upload names.</summary>
public sealed class InputHardeningTests
{
    [Theory]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("<JavaScript:alert(document.cookie)>")]
    [InlineData("<data:text/html,<script>alert(1)</script>>")]
    [InlineData("<vbscript:msgbox(1)>")]
    public void Autolinks_with_other_schemes_are_text_not_links(string autolink)
    {
        var html = Markdown.ToHtml($"Click {autolink} now");
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"data", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"vbscript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", html);
    }

    [Fact]
    public void Web_and_mail_autolinks_stay_links()
    {
        var html = Markdown.ToHtml("See <https://shop.example/a>, write to <help@shop.example> or [mail us](mailto:help@shop.example).");
        Assert.Contains("href=\"https://shop.example/a\"", html);
        Assert.Contains("href=\"mailto:help@shop.example\"", html);
        Assert.Equal(2, html.Split("mailto:help@shop.example\"").Length - 1);
    }

    [Fact]
    public void Verification_tags_are_read_by_an_html_parser_whatever_the_markup()
    {
        Assert.Equal(["tok-1"], DomainVerifier.MetaTokens("<html><head><META content='tok-1' NAME=\"parley-site-verification\"></head></html>"));
        Assert.Equal(["tok-2"], DomainVerifier.MetaTokens("<meta name=other content=x><meta name=parley-site-verification content=tok-2>"));
        // The page that took the old pattern 9 s of CPU: a megabyte and a half of unclosed tags, no token in it.
        var hostile = string.Concat(Enumerable.Repeat("<meta ", 250_000));
        Assert.Empty(DomainVerifier.MetaTokens(hostile));
        Assert.Equal(["tok-3"], DomainVerifier.MetaTokens(hostile + "><meta name=\"parley-site-verification\" content=\"tok-3\">"));
    }

    [Theory]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("report\u2066.pdf\u2069", "report.pdf")]
    [InlineData("line\r\nbreak", "line  break")]
    [InlineData("\u200Fplain", "plain")]
    public void Titles_lose_control_and_bidirectional_characters(string name, string expected) =>
        Assert.Equal(expected, SourceService.Clean(name));
}
