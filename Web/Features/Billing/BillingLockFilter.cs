using Htmx;
using Microsoft.AspNetCore.Mvc.Filters;
using Parley.Features.Plans;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Billing;

/// <summary>
/// While a workspace is paused for an unpaid bill its dashboard is read-only: every change (a POST on the workspace's
/// host) is refused and the page is drawn again, where the banner says why, except Billing itself (to pay) and the
/// member's own account (to sign out) and leaving the workspace. Nothing is deleted, and everything can still be read.
/// </summary>
public sealed class BillingLockFilter(ITenantContext tenant, PlanLimitsReader limits) : IAsyncPageFilter
{
    private static readonly string[] Open = ["/billing", "/account/", "/team/leave"];

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        if (tenant.TenantId is null || !HttpMethods.IsPost(request.Method) || Open.Any(p => request.Path.StartsWithSegments(p.TrimEnd('/')))
            || !await limits.LockedAsync(context.HttpContext.RequestAborted))
        {
            await next();
            return;
        }
        var back = Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var referer) && referer.Host == request.Host.Host
            ? referer.PathAndQuery : request.Path.Value ?? "/dashboard";
        if (request.IsHtmx())
        {
            context.HttpContext.Response.Htmx(h => h.Redirect(back));
            context.Result = new StatusCodeResult(StatusCodes.Status423Locked);
            return;
        }
        context.HttpContext.Response.Headers.Location = back;
        context.Result = new StatusCodeResult(StatusCodes.Status303SeeOther);
    }
}
