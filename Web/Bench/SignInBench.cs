using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;
using Parley.Infrastructure;

namespace Parley.Bench;

/// <summary>
/// Sign-in on the real app over loopback: how long a wrong password for a real account, a locked account and an unknown
/// email take to answer. They must be alike, or the form tells which emails have accounts.
/// </summary>
public static partial class SignInBench
{
    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*value=""([^""]+)""")]
    private static partial Regex Token();

    public static async Task RunAsync(int attempts)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"parley-signin-bench-{Guid.NewGuid():n}");
        Directory.CreateDirectory(dir);
        var app = ParleyHost.Build([], new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Parley:Database:ConnectionString"] = $"Data Source={Path.Combine(dir, "bench.db")}",
            ["Parley:Storage:FileSystemRoot"] = Path.Combine(dir, "blobs"),
            ["Parley:Mail:PickupDirectory"] = Path.Combine(dir, "mail"),
            ["Parley:SeedDemo"] = "false",
            ["Parley:Throttling:SignInPerMinute"] = "100000",
            ["Logging:LogLevel:Default"] = "Error",
        });
        await app.StartAsync();
        try
        {
            var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
            const string email = "real@bench.example", locked = "locked@bench.example";
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
                foreach (var address in new[] { email, locked })
                    await users.CreateAsync(new AppUser { UserName = address, Email = address, FullName = "Bench" }, "the right password");
                var lockedUser = (await users.FindByEmailAsync(locked))!;
                await users.SetLockoutEndDateAsync(lockedUser, DateTimeOffset.UtcNow.AddYears(1));
            }
            var http = new HttpClient(new SocketsHttpHandler { UseCookies = true }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Host = $"localhost:{port}";
            var token = Token().Match(await http.GetStringAsync("/account/login")).Groups[1].Value;

            async Task<double[]> TimeAsync(string address)
            {
                var times = new List<double>();
                for (var i = 0; i < attempts; i++)
                {
                    // A real account's failures are reset between tries, so it never locks: every try checks the password.
                    if (address == email)
                        await using (var scope = app.Services.CreateAsyncScope())
                        {
                            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
                            await users.ResetAccessFailedCountAsync((await users.FindByEmailAsync(email))!);
                        }
                    var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = address, ["Input.Password"] = "a wrong password", ["__RequestVerificationToken"] = token });
                    var sw = Stopwatch.StartNew();
                    using var response = await http.PostAsync("/account/login", form);
                    sw.Stop();
                    if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds); // the first is warm-up
                }
                return times.Order().ToArray();
            }
            static string Line(double[] t) => $"p50 {t[t.Length / 2]:F1} / p95 {t[(int)(t.Length * 0.95)]:F1} ms";
            Console.WriteLine($"Sign-in answer, wrong password for a real account: {Line(await TimeAsync(email))}");
            Console.WriteLine($"Sign-in answer, locked account: {Line(await TimeAsync(locked))}");
            Console.WriteLine($"Sign-in answer, unknown email: {Line(await TimeAsync("nobody@bench.example"))}");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
