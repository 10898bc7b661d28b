using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;
using S = DocumentFormat.OpenXml.Spreadsheet;

namespace Parley.Tests.Infrastructure;

/// <summary>Real documents made in the test: a PDF written object by object, Office files through the Open XML SDK.</summary>
public static class TestFiles
{
    /// <summary>A valid PDF with one page per entry (the writer the bench command uses too).</summary>
    public static byte[] Pdf(params string[] pages) => Parley.Bench.SamplePdf.Write(pages);

    /// <summary>A Word document: (style, text) pairs, style "Heading1".."Heading3" or null for body text.</summary>
    public static byte[] Docx(params (string? Style, string Text)[] paragraphs)
    {
        var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(paragraphs.Select(p =>
            {
                var para = new W.Paragraph(new W.Run(new W.Text(p.Text)));
                if (p.Style is not null) para.PrependChild(new W.ParagraphProperties(new W.ParagraphStyleId { Val = p.Style }));
                return para;
            })));
        }
        return ms.ToArray();
    }

    public static byte[] Xlsx(string sheetName, params string[][] rows)
    {
        var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var book = doc.AddWorkbookPart();
            book.Workbook = new S.Workbook();
            var sheetPart = book.AddNewPart<WorksheetPart>();
            sheetPart.Worksheet = new S.Worksheet(new S.SheetData(rows.Select(r =>
                new S.Row(r.Select(v => new S.Cell { DataType = S.CellValues.InlineString, InlineString = new S.InlineString(new S.Text(v)) })))));
            book.Workbook.AppendChild(new S.Sheets(new S.Sheet { Id = book.GetIdOfPart(sheetPart), SheetId = 1, Name = sheetName }));
        }
        return ms.ToArray();
    }

    /// <summary>A zip that claims to be a Word document and unpacks to <paramref name="megabytes"/> MB of zeros.</summary>
    public static byte[] ZipBomb(int megabytes)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("[Content_Types].xml").Open().Dispose();
            using var s = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++) s.Write(zeros);
        }
        return ms.ToArray();
    }
}
