using System.Text.RegularExpressions;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// A client whose cookies are plain values the test can read and copy, as an attacker holding a stolen cookie would:
/// it sends what it holds on every request and keeps what the app sets.
/// </summary>
public sealed partial class CookieJar(ParleyApp app, string host)
{
    private readonly HttpClient client = app.CreateClient(new() { BaseAddress = new Uri($"http://{host}"), AllowAutoRedirect = false, HandleCookies = false });
    public Dictionary<string, string> Cookies { get; } = [];

    /// <summary>Another browser holding a copy of this one's session cookie (and nothing else).</summary>
    public CookieJar Steal(string? toHost = null)
    {
        var thief = new CookieJar(app, toHost ?? client.BaseAddress!.Host);
        thief.Cookies["parley.session"] = Cookies["parley.session"];
        return thief;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
            foreach (var cookie in set)
            {
                var pair = cookie.Split(';')[0].Split('=', 2);
                if (cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) Cookies.Remove(pair[0]);
                else Cookies[pair[0]] = pair[1];
            }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>Posts a form with an antiforgery token taken from <paramref name="tokenPage"/> with this jar's cookies.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string tokenPage, string url, Dictionary<string, string> fields)
    {
        var page = await (await GetAsync(tokenPage)).Content.ReadAsStringAsync();
        var token = TokenField().Match(page).Groups[1].Value;
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))) });
    }

    public async Task SignInAsync(string email, string password)
    {
        var response = await PostFormAsync("/account/login", "/account/login", Http.Form(("Input.Email", email), ("Input.Password", password)));
        Assert.True((int)response.StatusCode is 302 or 303, $"Sign-in failed: {(int)response.StatusCode}");
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*value=""([^""]+)""")]
    private static partial Regex TokenField();
}
