using System.Text;
using Microsoft.Extensions.Options;
using Parley.Features.Knowledge.Extraction;

namespace Parley.Tests.Features.Knowledge;

/// <summary>Real files in, text with pages and headings out; every bad file fails alone with a reason a person can act on.</summary>
public class ExtractionTests
{
    private static readonly ExtractionOptions Limits = new() { MaxUncompressedBytes = 20L * 1024 * 1024 };
    private readonly DocumentExtractor extractor = new(Options.Create(Limits));

    private async Task<ExtractedDocument> Extract(byte[] content, string name, DocumentType expected)
    {
        var (type, doc) = await extractor.ExtractAsync(content, name, default);
        Assert.Equal(expected, type);
        return doc;
    }

    private async Task<string> Fails(byte[] content, string name) =>
        (await Assert.ThrowsAsync<ExtractionException>(() => extractor.ExtractAsync(content, name, default))).Message;

    [Fact]
    public async Task Pdf_text_keeps_its_page_numbers()
    {
        var doc = await Extract(TestFiles.Pdf("Refund policy\nRefunds within 30 days.", "Shipping\nWe ship worldwide.", "Contact us at help@example.com"), "guide.pdf", DocumentType.Pdf);
        Assert.Equal(3, doc.Pages);
        Assert.Contains("Refunds within 30 days.", doc.Sections.Single(s => s.Page == 1).Text);
        Assert.Contains("We ship worldwide.", doc.Sections.Single(s => s.Page == 2).Text);
        Assert.Contains("help@example.com", doc.Sections.Single(s => s.Page == 3).Text);
    }

    [Fact]
    public async Task Word_text_keeps_the_heading_path()
    {
        var doc = await Extract(TestFiles.Docx(("Heading1", "Returns"), (null, "Keep the receipt."), ("Heading2", "Damaged items"), (null, "Send a photo within 7 days."), ("Heading1", "Shipping"), (null, "Orders leave in 24 hours.")), "handbook.docx", DocumentType.Docx);
        Assert.Equal(["Returns"], doc.Sections[0].Headings);
        Assert.Equal("Keep the receipt.", doc.Sections[0].Text);
        Assert.Equal(["Returns", "Damaged items"], doc.Sections[1].Headings);
        Assert.Equal(["Shipping"], doc.Sections[2].Headings);
    }

    [Fact]
    public async Task Excel_rows_are_read_per_sheet()
    {
        var doc = await Extract(TestFiles.Xlsx("Prices", ["Plan", "Price"], ["Gold", "79"]), "prices.xlsx", DocumentType.Xlsx);
        Assert.Equal(["Prices"], doc.Sections[0].Headings);
        Assert.Contains("Gold | 79", doc.Sections[0].Text);
    }

    [Fact]
    public async Task Html_keeps_main_text_and_headings_and_drops_navigation_and_scripts()
    {
        var html = """
            <!doctype html><html><head><title>Help centre</title><script>var tracking = 1;</script></head><body>
            <nav><a href="/">Home</a><a href="/pricing">Pricing menu item</a></nav>
            <main><h1>Returns</h1><p>Return any item within <b>30 days</b>.</p><h2>Exceptions</h2><ul><li>Gift cards</li><li>Sale items</li></ul></main>
            <footer>© Footer text</footer></body></html>
            """;
        var doc = await Extract(Encoding.UTF8.GetBytes(html), "page.html", DocumentType.Html);
        Assert.Equal("Help centre", doc.Title);
        var all = string.Join("\n", doc.Sections.Select(s => s.Text));
        Assert.Contains("Return any item within 30 days.", all);
        Assert.Contains("- Gift cards", all);
        Assert.DoesNotContain("Pricing menu item", all);
        Assert.DoesNotContain("tracking", all);
        Assert.DoesNotContain("Footer", all);
        Assert.Equal(["Returns", "Exceptions"], doc.Sections.Last().Headings);
    }

    [Fact]
    public async Task Html_definitions_are_read_once_as_paragraphs()
    {
        var html = """
            <html><body><main><h1>Settings</h1><dl>
            <dt><code>max_retries</code></dt><dd><p>How many times a request is tried again.</p><p>Defaults to three.</p></dd>
            <dt>timeout</dt><dd>Seconds before giving up.</dd></dl></main></body></html>
            """;
        var doc = await Extract(Encoding.UTF8.GetBytes(html), "defs.html", DocumentType.Html);
        var all = string.Join("\n", doc.Sections.Select(s => s.Text));
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(all, "tried again"));
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(all, "Defaults to three"));
        Assert.Contains("max_retries:", all);
        Assert.Contains("Seconds before giving up.", all);
    }

    [Fact]
    public async Task Html_drops_link_dense_tables_and_lists_that_are_navigation()
    {
        var html = """
            <html><body>
            <table class="navigation"><tr><td><a href="a.html">Prev</a></td><td><a href="index.html">Up</a></td><td><a href="c.html">Next</a></td></tr></table>
            <h1>Installing</h1><p>Run the installer and follow the steps.</p>
            <ul class="toc"><li><a href="#one">Step one</a></li><li><a href="#two">Step two</a></li><li><a href="#three">Step three</a></li></ul>
            <ul><li>Needs 2 GB of disk, see <a href="disk.html">disk</a>.</li><li>Needs a network connection.</li><li>Works offline after that.</li></ul>
            </body></html>
            """;
        var doc = await Extract(Encoding.UTF8.GetBytes(html), "install.html", DocumentType.Html);
        var all = string.Join("\n", doc.Sections.Select(s => s.Text));
        Assert.DoesNotContain("Prev", all);
        Assert.DoesNotContain("Step two", all);
        Assert.Contains("Run the installer", all);
        Assert.Contains("- Needs 2 GB of disk, see disk.", all); // a list with a link in it is still content
    }

    [Fact]
    public async Task Html_headings_are_kept_by_level()
    {
        var html = "<html><body><h1>Guide</h1><h2>Installation</h2><p>Intro.</p><h4>Note</h4><p>A note.</p><h3>Upgrading</h3><p>How to upgrade.</p><h2>Usage</h2><p>Use it.</p></body></html>";
        var doc = await Extract(Encoding.UTF8.GetBytes(html), "guide.html", DocumentType.Html);
        var by = doc.Sections.ToDictionary(s => s.Text, s => string.Join(" › ", s.Headings));
        Assert.Equal("Guide › Installation", by["Intro."]);
        Assert.Equal("Guide › Installation › Note", by["A note."]);
        Assert.Equal("Guide › Installation › Upgrading", by["How to upgrade."]); // the h4 above does not stay
        Assert.Equal("Guide › Usage", by["Use it."]);
    }

    [Fact]
    public async Task Html_permalink_marks_are_not_text()
    {
        var html = """
            <html><body><div class="body" role="main"><h1>json — JSON encoder<a class="headerlink" href="#json">¶</a></h1>
            <h2 id="usage">Basic usage <a class="anchor" href="#usage">#</a></h2>
            <dl><dt id="json.dumps">json.dumps(obj)<a class="headerlink" href="#json.dumps">¶</a></dt><dd><p>Serialize obj to a str.</p></dd></dl></div></body></html>
            """;
        var doc = await Extract(Encoding.UTF8.GetBytes(html), "json.html", DocumentType.Html);
        var section = Assert.Single(doc.Sections);
        Assert.Equal(["json — JSON encoder", "Basic usage"], section.Headings);
        Assert.Equal("json.dumps(obj):\nSerialize obj to a str.", section.Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Markdown_csv_and_text_are_read()
    {
        var md = await Extract(Encoding.UTF8.GetBytes("# Guide\nIntro.\n## Setup\nRun the installer.\n"), "guide.md", DocumentType.Markdown);
        Assert.Equal(["Guide", "Setup"], md.Sections[1].Headings);
        var csv = await Extract(Encoding.UTF8.GetBytes("question,answer\nDo you ship abroad?,Yes\n"), "faq.csv", DocumentType.Csv);
        Assert.Contains("question,answer => Do you ship abroad?,Yes", csv.Sections[0].Text);
        var txt = await Extract(Encoding.UTF8.GetBytes("\uFEFFPlain notes\r\nline two"), "notes.txt", DocumentType.Text);
        Assert.Equal("Plain notes\nline two", txt.Sections[0].Text);
    }

    [Fact]
    public async Task PowerPoint_text_keeps_slide_numbers_and_titles()
    {
        var doc = await Extract(TestFiles.Pptx(("Welcome", "Our story."), ("Pricing", "Gold costs 79 dollars.")), "deck.pptx", DocumentType.Pptx);
        Assert.Equal(2, doc.Pages);
        var pricing = doc.Sections.Single(s => s.Page == 2);
        Assert.Equal(["Pricing"], pricing.Headings);
        Assert.Contains("Gold costs 79 dollars.", pricing.Text);
    }

    [Fact]
    public async Task Password_protected_pdf_fails_with_a_readable_reason()
    {
        var pdf = TestFiles.EncryptedPdf("s3cret", "Quarterly numbers");
        Assert.Contains("password-protected", await Fails(pdf, "locked.pdf"));

        // The file is properly encrypted, not merely damaged: with the password the text comes out.
        var path = Path.Combine(Path.GetTempPath(), $"locked-{Guid.NewGuid():n}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var run = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pdftotext", ["-upw", "s3cret", path, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = await run.StandardOutput.ReadToEndAsync();
            await run.WaitForExitAsync();
            Assert.Contains("Quarterly numbers", text);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Bad_files_fail_with_a_readable_reason()
    {
        Assert.Contains("empty", await Fails([], "empty.pdf"));
        Assert.Contains("damaged", await Fails(Encoding.ASCII.GetBytes("%PDF-1.4\nthis is not really a pdf\n%%EOF"), "broken.pdf"));
        Assert.Contains("zip bomb", await Fails(TestFiles.ZipBomb(40), "bomb.docx"));
        Assert.Contains("named .pdf but its content is a DOCX", await Fails(TestFiles.Docx((null, "hello")), "report.pdf"));
        Assert.Contains("named .docx but its content is plain text", await Fails(Encoding.UTF8.GetBytes("just text"), "report.docx"));
        Assert.Contains("not a supported document", await Fails([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "photo.png"));
        Assert.Contains("old Office format", await Fails([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "old.doc"));
        Assert.Contains("no text to read", await Fails(TestFiles.Pdf(""), "scan.pdf"));
        var damagedZip = TestFiles.Docx((null, "hello"))[..200];
        Assert.Contains("damaged", await Fails(damagedZip, "cut.docx"));
    }

    [Fact]
    public async Task A_missing_pdftotext_is_reported_with_how_to_install_it()
    {
        var without = new DocumentExtractor(Options.Create(new ExtractionOptions { PdfToTextPath = "/nonexistent/pdftotext" }));
        var e = await Assert.ThrowsAsync<ExtractionException>(() => without.ExtractAsync(TestFiles.Pdf("x"), "a.pdf", default));
        Assert.Contains("apt-get install poppler-utils", e.Message);
    }

    [Fact]
    public async Task Pdftotext_is_killed_when_the_host_stops_the_run()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"pdftotext-pid-{Guid.NewGuid():N}");
        var script = pidFile + ".sh";
        await File.WriteAllTextAsync(script, $"#!/bin/sh\necho $$ > {pidFile}\nexec sleep 30\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var stopping = new CancellationTokenSource();
        var extracting = new PdfExtractor(new ExtractionOptions { PdfToTextPath = script }).ExtractAsync(TestFiles.Pdf("x"), stopping.Token);
        for (var i = 0; i < 100 && !File.Exists(pidFile); i++) await Task.Delay(50);
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim());
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => extracting);
        for (var i = 0; i < 40 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "); i++) await Task.Delay(50);
        Assert.True(!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), "pdftotext outlived the stopped run.");
        File.Delete(script);
        File.Delete(pidFile);
    }
}
