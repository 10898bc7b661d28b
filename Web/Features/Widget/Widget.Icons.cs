namespace Parley.Features.Widget;

/// <summary>The bot's uploaded icons, served from the widget's origin.</summary>
public partial class WidgetModel
{
    /// <summary>An uploaded icon, cacheable for good (its URL changes with each upload); served as an image only.</summary>
    public async Task<IActionResult> OnGetIconAsync(string botId, BotSettings.IconKind kind, [FromServices] Infrastructure.Storage.IBlobStore blobs, CancellationToken ct)
    {
        if (BotSettings.BotIcons.PathOf(Look, kind) is not { } path || await blobs.OpenReadAsync(path, ct) is not { } stream) return NotFound();
        var type = System.IO.Path.GetExtension(path) switch { ".png" => "image/png", ".gif" => "image/gif", ".webp" => "image/webp", _ => "image/jpeg" };
        Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        Response.Headers["X-Content-Type-Options"] = "nosniff";
        Response.Headers.ContentSecurityPolicy = "default-src 'none'";
        Response.Headers.AccessControlAllowOrigin = "*"; // the launcher on the customer's page shows the bubble icon
        return File(stream, type);
    }
}
