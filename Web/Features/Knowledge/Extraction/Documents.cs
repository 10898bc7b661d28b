namespace Parley.Features.Knowledge.Extraction;

public enum DocumentType { Pdf, Docx, Pptx, Xlsx, Text, Markdown, Html, Csv }

/// <summary>A run of text with where it came from: a page or slide number, and the headings above it.</summary>
public sealed record Section(int? Page, IReadOnlyList<string> Headings, string Text);

public sealed record ExtractedDocument(string? Title, IReadOnlyList<Section> Sections)
{
    public int Pages => Sections.Select(s => s.Page ?? 0).DefaultIfEmpty(0).Max();
    public bool IsEmpty => Sections.All(s => string.IsNullOrWhiteSpace(s.Text));
}

/// <summary>A file that can't be read, with a reason written for the person who uploaded it.</summary>
public sealed class ExtractionException(string message, Exception? inner = null) : Exception(message, inner);

public class ExtractionOptions
{
    public const string Section = "Parley:Extraction";
    public string PdfToTextPath { get; set; } = "pdftotext";
    public int PdfTimeoutSeconds { get; set; } = 120;
    public int MaxTextBytes { get; set; } = 50 * 1024 * 1024;
    /// <summary>Zip-bomb limits for Office files.</summary>
    public long MaxUncompressedBytes { get; set; } = 300L * 1024 * 1024;
    public int MaxZipEntries { get; set; } = 20_000;
    public int MaxCompressionRatio { get; set; } = 200;
}
