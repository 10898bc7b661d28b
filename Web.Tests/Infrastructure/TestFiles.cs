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

    /// <summary>
    /// A one-page PDF encrypted with the standard security handler (revision 2, RC4 40-bit) under a user password,
    /// written by the PDF 1.7 spec's algorithms 2, 3 and 4, so a reader must know the password to open it.
    /// </summary>
    public static byte[] EncryptedPdf(string userPassword, string text)
    {
        byte[] pad = [0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
                      0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A];
        byte[] Padded(string pw) => Encoding.Latin1.GetBytes(pw).Concat(pad).Take(32).ToArray();
        var id = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        const int permissions = -44;
        var o = Rc4(System.Security.Cryptography.MD5.HashData(Padded("owner-" + userPassword))[..5], Padded(userPassword));
        var key = System.Security.Cryptography.MD5.HashData([.. Padded(userPassword), .. o, .. BitConverter.GetBytes(permissions), .. id])[..5];
        var u = Rc4(key, pad);
        byte[] ObjectKey(int num) => System.Security.Cryptography.MD5.HashData([.. key, (byte)num, (byte)(num >> 8), (byte)(num >> 16), 0, 0])[..10];
        string Hex(byte[] b) => "<" + Convert.ToHexString(b) + ">";

        var content = Rc4(ObjectKey(4), Encoding.Latin1.GetBytes($"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"));
        var ms = new MemoryStream();
        var offsets = new List<long>();
        void Write(string s) { var b = Encoding.Latin1.GetBytes(s); ms.Write(b); }
        void Obj(int n, string body) { offsets.Add(ms.Position); Write($"{n} 0 obj\n{body}\nendobj\n"); }
        Write("%PDF-1.4\n");
        Obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
        Obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>");
        offsets.Add(ms.Position);
        Write($"4 0 obj\n<< /Length {content.Length} >>\nstream\n"); ms.Write(content); Write("\nendstream\nendobj\n");
        Obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        Obj(6, $"<< /Filter /Standard /V 1 /R 2 /O {Hex(o)} /U {Hex(u)} /P {permissions} >>");
        var xref = ms.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var off in offsets) Write($"{off:D10} 00000 n \n");
        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R /Encrypt 6 0 R /ID [{Hex(id)} {Hex(id)}] >>\nstartxref\n{xref}\n%%EOF\n");
        return ms.ToArray();
    }

    private static byte[] Rc4(byte[] key, byte[] data)
    {
        var s = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        for (int i = 0, j = 0; i < 256; i++) { j = (j + s[i] + key[i % key.Length]) & 255; (s[i], s[j]) = (s[j], s[i]); }
        var output = new byte[data.Length];
        for (int n = 0, i = 0, j = 0; n < data.Length; n++)
        {
            i = (i + 1) & 255; j = (j + s[i]) & 255; (s[i], s[j]) = (s[j], s[i]);
            output[n] = (byte)(data[n] ^ s[(s[i] + s[j]) & 255]);
        }
        return output;
    }

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
    /// <summary>A real PNG (8-bit RGB, zlib-compressed rows, CRCs): a disc of one colour on another, so browsers draw it.</summary>
    public static byte[] Png(int size, (byte R, byte G, byte B) disc, (byte R, byte G, byte B) background)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < size; y++)
        {
            raw.WriteByte(0); // no filter
            for (var x = 0; x < size; x++)
            {
                var dx = x - size / 2.0 + 0.5; var dy = y - size / 2.0 + 0.5;
                var c = dx * dx + dy * dy <= size * size / 9.0 ? disc : background;
                raw.Write([c.R, c.G, c.B]);
            }
        }
        var packed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(z);
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, size);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; header[9] = 2; // 8 bits, RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", packed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();

        static void Chunk(Stream s, string type, byte[] data)
        {
            var len = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
            s.Write(len);
            var body = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            s.Write(body);
            var crc = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(body));
            s.Write(crc);
        }

        static uint Crc32(byte[] bytes) // the PNG specification's CRC (ISO 3309), bit by bit
        {
            var c = 0xFFFFFFFFu;
            foreach (var b in bytes)
            {
                c ^= b;
                for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            return c ^ 0xFFFFFFFFu;
        }
    }

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
