using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;
using D = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace Parley.Features.Knowledge.Extraction;

/// <summary>Word, PowerPoint and Excel text through the Open XML SDK: headings kept for Word, slide numbers for PowerPoint, sheet names for Excel.</summary>
public static class OfficeExtractor
{
    public static ExtractedDocument Word(Stream stream)
    {
        using var doc = WordprocessingDocument.Open(stream, false);
        var body = doc.MainDocumentPart?.Document.Body ?? throw new ExtractionException("This Word document has no body.");
        var title = doc.PackageProperties.Title;
        var headings = new List<string>();
        var sections = new List<Section>();
        var current = new List<string>();
        void Flush()
        {
            if (current.Count > 0) sections.Add(new Section(null, headings.ToList(), string.Join("\n", current)));
            current.Clear();
        }
        foreach (var paragraph in body.Descendants<W.Paragraph>())
        {
            var text = string.Concat(paragraph.Descendants<W.Text>().Select(t => t.Text)).Trim();
            if (text.Length == 0) continue;
            var style = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? "";
            var level = HeadingLevel(style);
            if (level > 0)
            {
                Flush();
                while (headings.Count >= level) headings.RemoveAt(headings.Count - 1);
                headings.Add(text);
            }
            else current.Add(text);
        }
        Flush();
        return new ExtractedDocument(string.IsNullOrWhiteSpace(title) ? null : title, sections);
    }

    private static int HeadingLevel(string style)
    {
        if (style.Equals("Title", StringComparison.OrdinalIgnoreCase)) return 1;
        var s = style.Replace(" ", "");
        return s.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) && int.TryParse(s["Heading".Length..], out var n) && n is >= 1 and <= 6 ? n : 0;
    }

    public static ExtractedDocument PowerPoint(Stream stream)
    {
        using var doc = PresentationDocument.Open(stream, false);
        var part = doc.PresentationPart ?? throw new ExtractionException("This PowerPoint file has no slides.");
        var ids = part.Presentation.SlideIdList?.Elements<P.SlideId>().ToList() ?? [];
        var sections = new List<Section>();
        for (var i = 0; i < ids.Count; i++)
        {
            var slide = (SlidePart)part.GetPartById(ids[i].RelationshipId!);
            var shapes = slide.Slide.Descendants<P.Shape>().ToList();
            string? title = null;
            var lines = new List<string>();
            foreach (var shape in shapes)
            {
                var text = string.Join("\n", shape.Descendants<D.Paragraph>().Select(p => string.Concat(p.Descendants<D.Text>().Select(t => t.Text)).Trim()).Where(t => t.Length > 0));
                if (text.Length == 0) continue;
                var placeholder = shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.GetFirstChild<P.PlaceholderShape>()?.Type?.Value;
                if (title is null && (placeholder == P.PlaceholderValues.Title || placeholder == P.PlaceholderValues.CenteredTitle)) title = text;
                else lines.Add(text);
            }
            var notes = slide.NotesSlidePart?.NotesSlide.Descendants<D.Text>().Select(t => t.Text).ToList();
            if (notes is { Count: > 0 }) lines.Add(string.Join(" ", notes));
            if (title is not null || lines.Count > 0)
                sections.Add(new Section(i + 1, title is null ? [] : [title], string.Join("\n", lines.Prepend(title ?? "").Where(l => l.Length > 0))));
        }
        return new ExtractedDocument(doc.PackageProperties.Title, sections);
    }

    public static ExtractedDocument Excel(Stream stream)
    {
        using var doc = SpreadsheetDocument.Open(stream, false);
        var book = doc.WorkbookPart ?? throw new ExtractionException("This Excel file has no workbook.");
        var shared = book.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var sections = new List<Section>();
        foreach (var sheet in book.Workbook.Sheets?.Elements<Sheet>() ?? [])
        {
            var part = (WorksheetPart)book.GetPartById(sheet.Id!);
            var rows = part.Worksheet.Descendants<Row>()
                .Select(r => string.Join(" | ", r.Elements<Cell>().Select(c => Value(c, shared)).Where(v => v.Length > 0)))
                .Where(r => r.Length > 0).ToList();
            if (rows.Count > 0) sections.Add(new Section(null, [sheet.Name?.Value ?? "Sheet"], string.Join("\n", rows)));
        }
        return new ExtractedDocument(doc.PackageProperties.Title, sections);
    }

    private static string Value(Cell c, List<string> shared)
    {
        var raw = c.CellValue?.InnerText ?? c.InnerText;
        if (c.DataType?.Value == CellValues.SharedString && int.TryParse(raw, out var i) && i < shared.Count) return shared[i].Trim();
        return raw.Trim();
    }
}
