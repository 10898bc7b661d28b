using Htmx;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Parley.Infrastructure.Web;

/// <summary>
/// Parley's page conventions on top of Htmx.Net (<c>Request.IsHtmx()</c>, <c>Response.Htmx(h => ...)</c>): one page
/// answers with the full page or its partial, failed forms come back with 422, success redirects the htmx way.
/// </summary>
public static class PageResults
{
    /// <summary>
    /// The whole page for a normal request, only the partial for htmx; always varies on HX-Request.
    /// The partial's fields keep the page's names through <paramref name="prefix"/>, so the same form posts either way.
    /// </summary>
    public static IActionResult PageOrPartial<T>(this PageModel page, string partialName, T model, string prefix = "Input",
        int status = StatusCodes.Status200OK)
    {
        page.Response.Headers.Append("Vary", "HX-Request");
        page.Response.StatusCode = status;
        if (!page.Request.IsHtmx()) return page.Page();
        var viewData = new ViewDataDictionary<T>(page.ViewData, model);
        viewData.TemplateInfo.HtmlFieldPrefix = prefix;
        return new PartialViewResult { ViewName = partialName, ViewData = viewData };
    }

    /// <summary>A failed htmx form post re-renders its partial with 422; a plain post re-renders the page with 422.</summary>
    public static IActionResult Invalid<T>(this PageModel page, string partialName, T model, string prefix = "Input") =>
        page.PageOrPartial(partialName, model, prefix, StatusCodes.Status422UnprocessableEntity);

    /// <summary>Whether the form bound under <paramref name="prefix"/> is valid, ignoring the page's other forms.</summary>
    public static bool IsValidFor(this Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state, string prefix) =>
        !state.Any(e => e.Key.StartsWith(prefix + ".", StringComparison.Ordinal) && e.Value is { Errors.Count: > 0 });

    /// <summary>Success: htmx gets HX-Redirect (a full navigation), a plain form gets a 303.</summary>
    public static IActionResult RedirectAfterPost(this PageModel page, string url)
    {
        if (page.Request.IsHtmx())
        {
            page.Response.Htmx(h => h.Redirect(url));
            return new NoContentResult();
        }
        page.Response.StatusCode = StatusCodes.Status303SeeOther;
        page.Response.Headers.Location = url;
        return new EmptyResult();
    }
}
