using Microsoft.AspNetCore.Mvc.Filters;
using Parley.Infrastructure.Tenancy;

namespace Parley.Infrastructure.Web;

public static class WebSetup
{
    public static IHostApplicationBuilder AddParleyOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ParleyOptions>().BindConfiguration(ParleyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static IHostApplicationBuilder AddParleyWeb(this IHostApplicationBuilder builder)
    {
        // Pages are UTF-8: letters of every script are written as they are, not as numeric entities (HTML-special characters still are).
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            o.Conventions.ConfigureFilter(new UnknownHandlerFilter());
            o.Conventions.AddPageRoute("/Shared/NotFound", TenantResolutionMiddleware.NotFoundPath);
        });
        // Fields are required only where an input model says [Required]; a page with several forms binds them all.
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true);
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = "RequestVerificationToken";
            o.Cookie.Name = "parley.af";
        });
        builder.Services.AddScoped<ShellBuilder>();
        return builder;
    }

    public static WebApplication UseParleyErrorPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/not-found");
        return app;
    }
}

/// <summary>
/// A request naming a handler the page does not have (<c>?handler=Nope</c>) is a 404. Without this, Razor Pages runs no
/// handler and renders the page with nothing loaded, which fails as a 500.
/// </summary>
public sealed class UnknownHandlerFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context)
    {
        if (context.HandlerMethod is null && context.ActionDescriptor.ModelTypeInfo?.IsDefined(typeof(AnyHandlerAttribute), true) != true && (context.HttpContext.Request.Query.ContainsKey("handler") || context.RouteData.Values["handler"] is string { Length: > 0 }))
            context.HttpContext.Items[nameof(UnknownHandlerFilter)] = true;
        return Task.CompletedTask;
    }

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HttpContext.Items.ContainsKey(nameof(UnknownHandlerFilter)))
        {
            context.Result = new NotFoundResult();
            return Task.CompletedTask;
        }
        return next();
    }
}

/// <summary>A page that renders whatever handler the (re-executed) request named: the error and not-found pages.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnyHandlerAttribute : Attribute;

/// <summary>A session presented on a host it does not belong to gets the not-found page, never the dashboard.</summary>
public sealed class RejectedSessionMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http, ITenantContext tenant)
    {
        if (tenant.TenantId is not null && http.Items.ContainsKey(WorkspaceSession.RejectedItem))
        {
            http.Request.Path = TenantResolutionMiddleware.NotFoundPath;
            http.Request.Method = HttpMethods.Get;
            http.Request.QueryString = QueryString.Empty;
        }
        return next(http);
    }
}

/// <summary>The page exists only on a tenant host (the dashboard); elsewhere it is a 404.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TenantHostAttribute : Attribute;

/// <summary>The page exists only on the root host (sign-up, workspace picker); on a tenant host it is a 404.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RootHostAttribute : Attribute;

/// <summary>
/// Answers 404 for a page on the wrong kind of host, before authorization runs, so a root-host visitor
/// is never sent to sign in for a page that does not exist there.
/// </summary>
public sealed class HostGateMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http, ITenantContext tenant)
    {
        var endpoint = http.GetEndpoint();
        var wrongHost = tenant.TenantId is null
            ? endpoint?.Metadata.GetMetadata<TenantHostAttribute>() is not null
            : endpoint?.Metadata.GetMetadata<RootHostAttribute>() is not null;
        if (!wrongHost) return next(http);
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
