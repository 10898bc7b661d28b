using System.Diagnostics;

namespace Parley.Features.Shared;

/// <summary>
/// What a person sees when Parley fails outside Development: a plain apology and a reference that support can find in
/// the logs (the request's trace id). Re-executed for any method, so it needs no antiforgery token or handler.
/// </summary>
[IgnoreAntiforgeryToken, AnyHandler]
public class ErrorModel(ILogger<ErrorModel> log) : PageModel
{
    public string Reference { get; private set; } = "";

    public void OnGet() => Load();
    public void OnPost() => Load();

    private void Load()
    {
        Reference = Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier;
        var failure = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>();
        if (failure is not null)
        {
            log.LogError(failure.Error, "Unhandled error on {Path}, reference {Reference}", failure.Path, Reference);
            Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        Response.Headers.CacheControl = "no-store";
    }
}
