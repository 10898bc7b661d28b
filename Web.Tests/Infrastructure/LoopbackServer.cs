using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Parley.Tests.Infrastructure;

/// <summary>A small web server on 127.0.0.1 and a free port, for the sites and stand-ins tests talk to.</summary>
public static class LoopbackServer
{
    public static async Task<(WebApplication App, int Port)> StartAsync(Action<WebApplication> map, X509Certificate2? https = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (https is null) builder.WebHost.UseUrls("http://127.0.0.1:0");
        else builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.UseHttps(https)));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port);
    }
}
