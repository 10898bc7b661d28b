using System.Text;
using Microsoft.Extensions.Options;

namespace Parley.Features.Knowledge.Extraction;

/// <summary>Turns an uploaded file into sections of text: type sniffed from content, then the right reader; every failure is an ExtractionException with a readable reason.</summary>
public sealed class DocumentExtractor(IOptions<ExtractionOptions> options)
{
    public async Task<(DocumentType Type, ExtractedDocument Document)> ExtractAsync(byte[] content, string fileName, CancellationToken ct)
    {
        var o = options.Value;
        var type = FileSniffer.Detect(content, fileName, o);
        var doc = type switch
        {
            DocumentType.Pdf => await new PdfExtractor(o).ExtractAsync(content, ct),
            DocumentType.Docx => Office(() => OfficeExtractor.Word(new MemoryStream(content)), "Word"),
            DocumentType.Pptx => Office(() => OfficeExtractor.PowerPoint(new MemoryStream(content)), "PowerPoint"),
            DocumentType.Xlsx => Office(() => OfficeExtractor.Excel(new MemoryStream(content)), "Excel"),
            DocumentType.Html => HtmlAndTextExtractor.Html(Decode(content)),
            DocumentType.Markdown => HtmlAndTextExtractor.Markdown(Decode(content)),
            DocumentType.Csv => HtmlAndTextExtractor.Csv(Decode(content)),
            _ => HtmlAndTextExtractor.Text(Decode(content)),
        };
        if (doc.IsEmpty)
            throw new ExtractionException(type == DocumentType.Pdf
                ? "This PDF has no text to read. If it is a scan, run it through OCR first and upload the result."
                : "This file has no text to learn from.");
        return (type, doc);
    }

    private static ExtractedDocument Office(Func<ExtractedDocument> read, string kind)
    {
        try { return read(); }
        catch (ExtractionException) { throw; }
        catch (Exception e) when (e is DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or IOException or InvalidOperationException)
        {
            throw new ExtractionException($"This {kind} file is damaged and can't be opened.", e);
        }
    }

    private static string Decode(byte[] content) => Encoding.UTF8.GetString(content);
}
