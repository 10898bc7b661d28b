using System.Reflection;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Parley.Tests.Infrastructure;

/// <summary>One page handler the app serves: "GET /bots/{publicId}/knowledge?handler=Sources".</summary>
public sealed record PageRoute(string Method, string Template, string? Handler, Type Model)
{
    public string Key => $"{Method} /{Template}{(Handler is null ? "" : $"?handler={Handler}")}";
    public override string ToString() => Key;
}

/// <summary>A route mapped as a minimal endpoint (the live streams) rather than a page.</summary>
public sealed class Endpoint;

/// <summary>Every Razor Page handler and every minimal endpoint with a method, read from the app's own endpoint data sources (never a hand-kept list).</summary>
public static class RouteCatalog
{
    public static async Task<List<PageRoute>> ReadAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var routes = new List<PageRoute>();
        var pages = services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints)
            .Select(e => e.Metadata.GetMetadata<PageActionDescriptor>()).OfType<PageActionDescriptor>()
            .DistinctBy(p => p.AttributeRouteInfo!.Template);
        foreach (var page in pages)
        {
            var compiled = await loader.LoadAsync(page, EndpointMetadataCollection.Empty);
            var template = page.AttributeRouteInfo!.Template!;
            foreach (var h in compiled.HandlerMethods)
                routes.Add(new PageRoute(h.HttpMethod.ToUpperInvariant(), template, h.Name, compiled.ModelTypeInfo!.AsType()));
            if (compiled.HandlerMethods.Count == 0) routes.Add(new PageRoute("GET", template, null, compiled.ModelTypeInfo!.AsType()));
        }
        foreach (var e in services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
                     .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is null && e.Metadata.GetMetadata<IHttpMethodMetadata>() is { } m && m.HttpMethods.Count > 0))
            foreach (var method in e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
                routes.Add(new PageRoute(method, e.RoutePattern.RawText!.TrimStart('/'), null, typeof(Endpoint)));
        return routes.OrderBy(r => r.Template).ThenBy(r => r.Method).ThenBy(r => r.Handler).ToList();
    }
}
