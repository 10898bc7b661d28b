using System.Buffers.Binary;
using System.Security.Cryptography;
using Parley.Features.Audit;
using Parley.Features.Bots;
using Parley.Infrastructure.Storage;

namespace Parley.Features.BotSettings;

/// <summary>The four pictures a bot's widget can show (seed 000's bot/user/agent/bubble icon sources).</summary>
public enum IconKind { Bot, User, Agent, Bubble }

/// <summary>An image format the widget accepts, known from the file's first bytes, with its size in pixels.</summary>
public sealed record ImageInfo(string ContentType, string Extension, int Width, int Height);

/// <summary>
/// Icon uploads for the Appearance screen: checked by content (PNG, JPEG, GIF or WebP; never SVG, which can carry
/// script), limited in bytes and pixels, stored in the blob store under the bot's prefix with a fresh name each time
/// (so the widget can cache them for good), the old picture removed, every change audited.
/// </summary>
public sealed class BotIcons(AppDbContext db, IBlobStore blobs, AuditTrail audit, TimeProvider clock)
{
    public const int MaxBytes = 256 * 1024;
    public const int MaxSide = 1024;

    public static string? PathOf(BotAppearance look, IconKind kind) => kind switch
    {
        IconKind.Bot => look.BotIcon, IconKind.User => look.UserIcon, IconKind.Agent => look.AgentIcon, _ => look.BubbleIcon,
    };

    /// <summary>The icon as the widget serves it on the root host (versioned by its blob name), or null without one.</summary>
    public static string? Url(string rootUrl, string botPublicId, BotAppearance look, IconKind kind) => PathOf(look, kind) is { } path
        ? $"{rootUrl}/widget/{botPublicId}?handler=Icon&kind={kind}&v={Path.GetFileNameWithoutExtension(path)}" : null;

    private static void Set(BotAppearance look, IconKind kind, string? path)
    {
        switch (kind)
        {
            case IconKind.Bot: look.BotIcon = path; break;
            case IconKind.User: look.UserIcon = path; break;
            case IconKind.Agent: look.AgentIcon = path; break;
            default: look.BubbleIcon = path; break;
        }
    }

    /// <summary>Stores the picture as the bot's icon of that kind; returns a reason written for the user when it is refused.</summary>
    public async Task<string?> UploadAsync(Chatbot bot, IconKind kind, IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0) return "Choose a picture first.";
        if (file.Length > MaxBytes) return $"Icons can be up to {MaxBytes / 1024} KB; this one is {file.Length / 1024:N0} KB.";
        var data = new byte[file.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(data, ct);
        if (Sniff(data) is not { } image) return "Use a PNG, JPEG, GIF or WebP picture.";
        if (image.Width > MaxSide || image.Height > MaxSide || image.Width == 0 || image.Height == 0)
            return $"Icons can be up to {MaxSide}×{MaxSide} pixels; this one is {image.Width}×{image.Height}.";

        var path = $"{Knowledge.Sources.SourceService.BotPrefix(bot.TenantId, bot.Id)}icons/{kind.ToString().ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.{image.Extension}";
        await blobs.PutAsync(path, new MemoryStream(data), image.ContentType, ct);
        var row = await db.BotAppearances.FirstOrDefaultAsync(a => a.ChatbotId == bot.Id, ct);
        if (row is null) db.BotAppearances.Add(row = new BotAppearance { ChatbotId = bot.Id });
        var old = PathOf(row, kind);
        Set(row, kind, path);
        row.UpdatedAt = clock.GetUtcNow();
        audit.Record("bot.icon_changed", "Chatbot", bot.PublicId, bot.Name, new { Icon = kind.ToString(), Had = old is not null }, new { Icon = kind.ToString(), image.ContentType, image.Width, image.Height, Bytes = data.Length });
        await db.SaveChangesAsync(ct);
        if (old is not null) await blobs.DeleteAsync(old, ct);
        return null;
    }

    public async Task RemoveAsync(Chatbot bot, IconKind kind, CancellationToken ct)
    {
        var row = await db.BotAppearances.FirstOrDefaultAsync(a => a.ChatbotId == bot.Id, ct);
        if (row is null || PathOf(row, kind) is not { } old) return;
        Set(row, kind, null);
        row.UpdatedAt = clock.GetUtcNow();
        audit.Record("bot.icon_removed", "Chatbot", bot.PublicId, bot.Name, new { Icon = kind.ToString() }, null);
        await db.SaveChangesAsync(ct);
        await blobs.DeleteAsync(old, ct);
    }

    /// <summary>The format and pixel size from the file's header, or null when it is not a PNG, JPEG, GIF or WebP.</summary>
    public static ImageInfo? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.Length >= 24 && d[..8].SequenceEqual((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && d[12..16].SequenceEqual("IHDR"u8))
            return new("image/png", "png", BinaryPrimitives.ReadInt32BigEndian(d[16..]), BinaryPrimitives.ReadInt32BigEndian(d[20..]));
        if (d.Length >= 10 && (d[..6].SequenceEqual("GIF87a"u8) || d[..6].SequenceEqual("GIF89a"u8)))
            return new("image/gif", "gif", BinaryPrimitives.ReadUInt16LittleEndian(d[6..]), BinaryPrimitives.ReadUInt16LittleEndian(d[8..]));
        if (d.Length >= 30 && d[..4].SequenceEqual("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8))
        {
            var chunk = d[12..16];
            if (chunk.SequenceEqual("VP8X"u8)) return new("image/webp", "webp", 1 + (d[24] | d[25] << 8 | d[26] << 16), 1 + (d[27] | d[28] << 8 | d[29] << 16));
            if (chunk.SequenceEqual("VP8L"u8) && d[20] == 0x2F)
            {
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(d[21..]);
                return new("image/webp", "webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
            }
            if (chunk.SequenceEqual("VP8 "u8) && d[23] == 0x9D && d[24] == 0x01 && d[25] == 0x2A)
                return new("image/webp", "webp", BinaryPrimitives.ReadUInt16LittleEndian(d[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(d[28..]) & 0x3FFF);
            return null;
        }
        if (d.Length >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        {
            // Walk the JPEG segments to the frame header (SOF0–SOF15 except DHT, JPG and DAC), which holds the size.
            var i = 2;
            while (i + 9 < d.Length)
            {
                if (d[i] != 0xFF) return null;
                var marker = d[i + 1];
                if (marker == 0xFF) { i++; continue; }
                var length = BinaryPrimitives.ReadUInt16BigEndian(d[(i + 2)..]);
                if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                    return new("image/jpeg", "jpg", BinaryPrimitives.ReadUInt16BigEndian(d[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(d[(i + 5)..]));
                if (length < 2) return null;
                i += 2 + length;
            }
        }
        return null;
    }
}
