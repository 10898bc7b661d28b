using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;

namespace Parley.Bench;

/// <summary>
/// Sign-in on the real app over loopback: how long a wrong password for a real account, a locked account and an unknown
/// email take to answer. They must be alike, or the form tells which emails have accounts.
/// </summary>
public static partial class SignInBench
{
    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*value=""([^""]+)""")]
    private static partial Regex Token();

    /// <summary>The antiforgery token of a page's form (the benches post forms as a browser does).</summary>
    public static string TokenOf(string html) => Token().Match(html).Groups[1].Value;

    public static async Task RunAsync(int attempts)
    {
        await using var host = await BenchHost.StartAsync("signin");
        var app = host.App;
        const string email = "real@bench.example", locked = "locked@bench.example";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            foreach (var address in new[] { email, locked })
                await users.CreateAsync(new AppUser { UserName = address, Email = address, FullName = "Bench" }, "the right password");
            var lockedUser = (await users.FindByEmailAsync(locked))!;
            await users.SetLockoutEndDateAsync(lockedUser, DateTimeOffset.UtcNow.AddYears(1));
        }
        var http = host.Client(new SocketsHttpHandler { UseCookies = true });
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
}
