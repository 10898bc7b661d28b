using System.IO.Compression;
using System.Text;

namespace Parley.Features.Knowledge.Extraction;

/// <summary>Decides what a file is from its bytes, not its name; the name only tells text flavours apart.</summary>
public static class FileSniffer
{
    public static DocumentType Detect(byte[] content, string fileName, ExtractionOptions limits)
    {
        if (content.Length == 0) throw new ExtractionException("The file is empty.");
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (content.AsSpan().StartsWith("%PDF-"u8)) return Expect(DocumentType.Pdf, ext, ".pdf");
        if (content.AsSpan().StartsWith("PK\x03\x04"u8)) return Office(content, ext, limits);
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
            throw new ExtractionException("This is an old Office format (.doc, .ppt or .xls). Save it as .docx, .pptx or .xlsx and upload it again.");
        if (!LooksLikeText(content))
            throw new ExtractionException($"This file's content is not a supported document (PDF, Word, PowerPoint, Excel, text, Markdown, HTML or CSV){(ext.Length > 0 ? $", whatever its {ext} name says" : "")}.");
        var head = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 2048)).TrimStart('\uFEFF').TrimStart();
        if (ext is ".html" or ".htm" || head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
            return DocumentType.Html;
        return ext switch
        {
            ".md" or ".markdown" => DocumentType.Markdown,
            ".csv" => DocumentType.Csv,
            ".pdf" or ".docx" or ".pptx" or ".xlsx" => throw new ExtractionException($"This file is named {ext} but its content is plain text. Check that the right file was chosen."),
            _ => DocumentType.Text,
        };
    }

    private static DocumentType Expect(DocumentType type, string ext, params string[] names) =>
        ext.Length == 0 || names.Contains(ext) || ext is ".txt" ? type
        : throw new ExtractionException($"This file is named {ext} but its content is a {type.ToString().ToUpperInvariant()}. Rename it to {names[0]} or pick the right file.");

    /// <summary>Office files are zip archives: checked against zip bombs before anything else reads them.</summary>
    private static DocumentType Office(byte[] content, string ext, ExtractionOptions limits)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            if (zip.Entries.Count > limits.MaxZipEntries)
                throw new ExtractionException($"This archive has {zip.Entries.Count:N0} entries, more than the {limits.MaxZipEntries:N0} a document may have.");
            var total = zip.Entries.Sum(e => e.Length);
            if (total > limits.MaxUncompressedBytes || total > (long)content.Length * limits.MaxCompressionRatio)
                throw new ExtractionException("This file unpacks to far more data than a document holds (a zip bomb), so it was not opened.");
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            var type = names.Contains("word/document.xml") ? DocumentType.Docx
                : names.Contains("ppt/presentation.xml") ? DocumentType.Pptx
                : names.Contains("xl/workbook.xml") ? DocumentType.Xlsx
                : throw new ExtractionException("This is a zip archive, not a Word, PowerPoint or Excel document.");
            return Expect(type, ext, "." + type.ToString().ToLowerInvariant());
        }
        catch (InvalidDataException e)
        {
            throw new ExtractionException("This Office file is damaged: its zip structure can't be read.", e);
        }
    }

    private static bool LooksLikeText(byte[] content)
    {
        var sample = content.AsSpan(0, Math.Min(content.Length, 8192));
        if (sample.IndexOf((byte)0) >= 0) return false;
        try
        {
            new UTF8Encoding(false, true).GetString(sample[..TrimPartialUtf8(sample)]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The sample may end inside a multi-byte character; stop before it.</summary>
    private static int TrimPartialUtf8(ReadOnlySpan<byte> s)
    {
        var end = s.Length;
        for (var i = 1; i <= 3 && i <= s.Length; i++)
        {
            var b = s[^i];
            if ((b & 0xC0) == 0x80) continue;
            if ((b & 0xC0) == 0xC0) end = s.Length - i;
            break;
        }
        return end;
    }
}
