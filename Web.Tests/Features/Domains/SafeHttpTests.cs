using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Infrastructure.Outbound;

namespace Parley.Tests.Features.Domains;

public class SafeHttpTests(LoopbackSite site) : IClassFixture<LoopbackSite>
{
    private SafeHttp Client(bool allowLoopback, params int[] ports)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Parley:Outbound:AllowLoopback"] = allowLoopback.ToString();
        for (var i = 0; i < ports.Length; i++) builder.Configuration[$"Parley:Outbound:ExtraPorts:{i}"] = ports[i].ToString();
        builder.Configuration["Parley:Outbound:MaxRedirects"] = "3";
        builder.AddOutbound();
        return builder.Build().Services.GetRequiredService<SafeHttp>();
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("fd00::1", "unique-local")]
    [InlineData("fc12:3456::1", "unique-local")]
    [InlineData("0.0.0.0", "reserved")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::10.0.0.1", "private")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b:1::c0a8:101", "private")]
    [InlineData("2002:a00:1::1", "private")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private")]
    public void Blocked_ranges_are_refused(string address, string kind) =>
        Assert.Contains(kind, SafeHttp.Blocked(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_are_allowed(string address) => Assert.Null(SafeHttp.Blocked(IPAddress.Parse(address), false));

    [Fact]
    public async Task A_hostname_resolving_to_loopback_is_refused_before_connecting()
    {
        var e = await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => Client(false, site.Port).GetStringAsync(new Uri($"http://localhost:{site.Port}/"), default));
        Assert.Contains("loopback", e.Detail);
        Assert.DoesNotContain("127.0.0.1", e.Message); // what a name resolved to stays in the logs
        Assert.Contains("not a public website", e.Message);
    }

    [Fact]
    public async Task Names_under_localhost_are_this_machine_as_in_browsers_refused_unless_loopback_is_allowed()
    {
        var e = await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => Client(false, site.Port).GetStringAsync(new Uri($"http://shop.localhost:{site.Port}/"), default));
        Assert.Contains("loopback", e.Detail); // resolved (to 127.0.0.1), then refused: not "does not resolve"
        var page = await Client(true, site.Port).GetStringAsync(new Uri($"http://shop.localhost:{site.Port}/"), default);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.True(SafeHttp.IsLocalhost("Shop.LocalHost.") && !SafeHttp.IsLocalhost("localhost.example.com") && !SafeHttp.IsLocalhost("notlocalhost"));
    }

    [Fact]
    public async Task A_page_declaring_an_unknown_charset_is_read_as_utf8()
    {
        site.Pages["/bogus-charset"] = new SitePage("<p>Café opens at nine</p>", "text/html; charset=bogus") { RawHeader = true };
        var page = await Client(true, site.Port).GetStringAsync(new Uri($"http://127.0.0.1:{site.Port}/bogus-charset"), default);
        Assert.Contains("Café opens at nine", page.Body);
    }

    [Fact]
    public async Task A_redirect_to_a_private_or_link_local_address_is_refused()
    {
        var client = Client(true, site.Port);
        var e = await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => client.GetStringAsync(new Uri($"http://127.0.0.1:{site.Port}/to-private"), default));
        Assert.Contains("private", e.Detail); // a literal address is named as such: no lookup was made, nothing is revealed
        var e2 = await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => client.GetStringAsync(new Uri($"http://127.0.0.1:{site.Port}/to-link-local"), default));
        Assert.Contains("link-local", e2.Detail);
    }

    [Fact]
    public async Task Allowed_redirects_are_followed_and_loops_are_cut()
    {
        var client = Client(true, site.Port);
        var page = await client.GetStringAsync(new Uri($"http://127.0.0.1:{site.Port}/to-self"), default);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Shop", page.Body);
        await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => client.GetStringAsync(new Uri($"http://127.0.0.1:{site.Port}/loop"), default));
    }

    [Fact]
    public async Task Ports_schemes_credentials_and_oversized_bodies_are_refused()
    {
        var client = Client(true);
        Assert.Contains("Port", (await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => client.GetStringAsync(new Uri($"http://127.0.0.1:{site.Port}/"), default))).Message);
        await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => client.GetStringAsync(new Uri("ftp://example.com/"), default));
        await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => client.GetStringAsync(new Uri("http://user:pw@example.com/"), default));
        var big = await Assert.ThrowsAsync<OutboundRequestRefusedException>(() => Client(true, site.Port).GetStringAsync(new Uri($"http://127.0.0.1:{site.Port}/big"), default));
        Assert.Contains("larger than", big.Message);
    }
}
