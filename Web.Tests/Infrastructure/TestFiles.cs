using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;
using S = DocumentFormat.OpenXml.Spreadsheet;
using P = DocumentFormat.OpenXml.Presentation;
using D = DocumentFormat.OpenXml.Drawing;

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

    /// <summary>A PowerPoint deck: one slide per (title, body) with the title in a title placeholder.</summary>
    public static byte[] Pptx(params (string Title, string Body)[] slides)
    {
        var ms = new MemoryStream();
        using (var doc = PresentationDocument.Create(ms, PresentationDocumentType.Presentation))
        {
            var pres = doc.AddPresentationPart();
            pres.Presentation = new P.Presentation(new P.SlideIdList());
            uint id = 256;
            foreach (var (title, body) in slides)
            {
                var slidePart = pres.AddNewPart<SlidePart>();
                slidePart.Slide = new P.Slide(new P.CommonSlideData(new P.ShapeTree(
                    Shape(1, title, P.PlaceholderValues.Title), Shape(2, body, null))));
                pres.Presentation.SlideIdList!.Append(new P.SlideId { Id = id++, RelationshipId = pres.GetIdOfPart(slidePart) });
            }
        }
        return ms.ToArray();

        static P.Shape Shape(uint id, string text, P.PlaceholderValues? placeholder) => new(
            new P.NonVisualShapeProperties(new P.NonVisualDrawingProperties { Id = id, Name = $"Shape {id}" }, new P.NonVisualShapeDrawingProperties(),
                new P.ApplicationNonVisualDrawingProperties(placeholder is { } p ? new P.PlaceholderShape { Type = p } : null!)),
            new P.ShapeProperties(),
            new P.TextBody(new D.BodyProperties(), new D.ListStyle(), new D.Paragraph(new D.Run(new D.Text(text)))));
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
