using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Parley.Features.Knowledge.Crawling;
using Parley.Infrastructure.Outbound;

namespace Parley.Bench;

/// <summary>
/// Crawl throughput against a site served on loopback with politeness off (no delay between rounds): the real
/// crawler, SafeHttp, AngleSharp extraction and link discovery; the network is the loopback interface.
/// </summary>
public static class CrawlBench
{
    public static async Task RunAsync(int pages)
    {
        var paragraph = string.Join(" ", Enumerable.Range(1, 60).Select(i => $"word{i % 17} about kettles and delivery"));
        var site = WebApplication.CreateSlimBuilder();
        site.WebHost.UseUrls("http://127.0.0.1:0");
        site.Logging.ClearProviders();
        var app = site.Build();
        app.MapGet("/p/{n:int}", (int n) => Results.Content(
            $"<!doctype html><html><head><title>Page {n}</title></head><body><nav>{string.Join(" ", Enumerable.Range(1, 20).Select(i => $"<a href=\"/p/{i}\">Nav {i}</a>"))}</nav>" +
            $"<main><h1>Page {n}</h1>{string.Concat(Enumerable.Range(0, 8).Select(i => $"<h2>Part {i}</h2><p>{paragraph} {n}-{i}</p>"))}" +
            string.Concat(Enumerable.Range(1, 6).Select(i => $"<a href=\"/p/{(n * 6 + i) % pages}\">More</a>")) + "</main><footer>© Bench</footer></body></html>", "text/html"));
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        foreach (var concurrency in new[] { 2, 8 })
        {
            var host = Host.CreateApplicationBuilder();
            host.Logging.ClearProviders();
            host.Configuration["Parley:Outbound:AllowLoopback"] = "true";
            host.Configuration["Parley:Outbound:ExtraPorts:0"] = port.ToString();
            host.Configuration["Parley:Crawl:DelayMilliseconds"] = "0";
            host.Configuration["Parley:Crawl:Concurrency"] = concurrency.ToString();
            host.AddOutbound();
            host.Services.AddOptions<CrawlOptions>().BindConfiguration(CrawlOptions.Section);
            host.Services.AddSingleton<WebsiteCrawler>();
            using var services = host.Build();
            var crawler = services.Services.GetRequiredService<WebsiteCrawler>();
            var request = new CrawlRequest(new Uri($"http://127.0.0.1:{port}/p/0"), false, 10, pages, [], []);
            var sw = Stopwatch.StartNew();
            var found = 0;
            await foreach (var outcome in crawler.CrawlAsync(request, default))
                if (outcome is PageFound) found++;
            sw.Stop();
            Console.WriteLine($"Crawl (loopback, politeness off, {concurrency} in flight): {found / sw.Elapsed.TotalSeconds:F0} pages/s ({found} pages of ~{paragraph.Length * 8 / 1024} KB text, {sw.Elapsed.TotalMilliseconds:F0} ms, fetch + extract + links)");
        }
        await app.StopAsync();
    }
}
