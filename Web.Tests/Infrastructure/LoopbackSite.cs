using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// A customer's website, served on 127.0.0.1 for outbound-fetch tests: what it shows is set per test.
/// Only loopback is ever contacted; the "private" redirect targets are refused before any connection.
/// </summary>
public sealed class LoopbackSite : IAsyncLifetime
{
    private WebApplication? site;
    public int Port { get; private set; }
    public string? MetaToken { get; set; }
    public string? FileToken { get; set; }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        site = builder.Build();
        site.MapGet("/", () => Results.Content(
            $"<!doctype html><html><head><title>Shop</title>{(MetaToken is null ? "" : $"<meta name=\"parley-site-verification\" content=\"{MetaToken}\">")}</head><body>Hi</body></html>", "text/html"));
        site.MapGet("/.well-known/parley-verification.txt", () => FileToken is null ? Results.NotFound() : Results.Text(FileToken));
        site.MapGet("/to-private", () => Results.Redirect("http://10.0.0.1/"));
        site.MapGet("/to-link-local", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        site.MapGet("/to-self", (HttpContext c) => Results.Redirect($"http://127.0.0.1:{Port}/"));
        site.MapGet("/loop", () => Results.Redirect("/loop"));
        site.MapGet("/big", () => Results.Text(new string('x', 6 * 1024 * 1024)));
        await site.StartAsync();
        Port = new Uri(site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public async Task DisposeAsync()
    {
        if (site is not null) await site.DisposeAsync();
    }
}
