using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Shared;

[AnyHandler, IgnoreAntiforgeryToken]
public class NotFoundModel : PageModel
{
    /// <summary>The unknown workspace slug, when that is what was not found.</summary>
    public string? Slug { get; private set; }

    public void OnPost() => OnGet();

    public void OnGet()
    {
        // Re-executed for another status (403, 405…) keeps that status; a direct visit is a 404.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null)
            Response.StatusCode = StatusCodes.Status404NotFound;
        Slug = HttpContext.Items[TenantResolutionMiddleware.NotFoundPath] as string;
    }
}
