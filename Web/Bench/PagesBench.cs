using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;
using Parley.Infrastructure.Tenancy;

namespace Parley.Bench;

/// <summary>
/// Dashboard pages on the real app over loopback, as a signed-in Owner on a paid plan opens them: time to the whole
/// response (server time plus a loopback round trip) for the overview, Billing, Chatbots and Team (budget: p95 under 30 ms).
/// </summary>
public static class PagesBench
{
    public static async Task RunAsync(int requests)
    {
        await using var host = await BenchHost.StartAsync("pages");
        const string email = "owner@pages.bench", password = "the bench password", slug = "pages";
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = email, Email = email, FullName = "Bench Owner", EmailConfirmed = true };
            await users.CreateAsync(user, password);
            await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateAsync(user.Id, "Pages Bench", slug);
        }
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{host.Port}") };
        http.DefaultRequestHeaders.Host = $"{slug}.localhost:{host.Port}";
        async Task PostAsync(string page, string url, Dictionary<string, string> form)
        {
            form["__RequestVerificationToken"] = SignInBench.TokenOf(await http.GetStringAsync(page));
            using var response = await http.PostAsync(url, new FormUrlEncodedContent(form));
        }
        await PostAsync("/account/login", "/account/login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        // A paid plan with an add-on and its payment, two bots: the pages show what an Owner's pages show.
        await PostAsync("/billing", "/billing?handler=Checkout", new() { ["plan"] = "silver", ["op"] = "benchcheckout", ["addons"] = "extra-bot" });
        await PostAsync("/billing/checkout?plan=silver&op=benchcheckout&addon=extra-bot:1", "/billing/checkout",
            new() { ["plan"] = "silver", ["op"] = "benchcheckout", ["addon"] = "extra-bot:1", ["declined"] = "false" });
        foreach (var name in new[] { "Sales", "Support" }) await PostAsync("/bots", "/bots", new() { ["Input.Name"] = name, ["Input.Type"] = "Support" });

        foreach (var path in new[] { "/dashboard", "/billing", "/bots", "/team" })
        {
            var times = new List<double>();
            for (var i = 0; i < requests + 5; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(path);
                await response.Content.LoadIntoBufferAsync();
                sw.Stop();
                if (response.StatusCode != System.Net.HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
                if (i >= 5) times.Add(sw.Elapsed.TotalMilliseconds); // the first five warm up
            }
            var t = times.Order().ToArray();
            Console.WriteLine($"Dashboard page {path}: p50 {t[t.Length / 2]:F1} / p95 {t[(int)(t.Length * 0.95)]:F1} ms over loopback ({requests} requests; budget p95 < 30 ms)");
        }
    }
}
