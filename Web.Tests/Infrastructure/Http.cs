using System.Text.RegularExpressions;

namespace Parley.Tests.Infrastructure;

/// <summary>Posts forms the way the browser does: with the antiforgery token of the page, as htmx or as a plain form.</summary>
public static partial class Http
{
    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*value=""([^""]+)""")]
    private static partial Regex TokenField();

    public static async Task<string> TokenAsync(this HttpClient client, string pageUrl)
    {
        var page = await client.GetAsync(pageUrl);
        var html = await page.Content.ReadAsStringAsync();
        var m = TokenField().Match(html);
        if (!m.Success) throw new Xunit.Sdk.XunitException($"No antiforgery token on {pageUrl} ({(int)page.StatusCode}).");
        return m.Groups[1].Value;
    }

    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string pageUrl, string postUrl,
        IEnumerable<KeyValuePair<string, string>> fields, bool htmx = true)
    {
        var token = await client.TokenAsync(pageUrl);
        var request = new HttpRequestMessage(HttpMethod.Post, postUrl)
        {
            Content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))),
        };
        if (htmx) request.Headers.Add("HX-Request", "true");
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields, bool htmx = true) =>
        client.PostFormAsync(url, url, fields, htmx);

    /// <summary>Posts one file as the knowledge page's uploader does: multipart, antiforgery token in a header.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient client, string pageUrl, string postUrl, string fileName, byte[] content)
    {
        var token = await client.TokenAsync(pageUrl);
        var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", fileName } };
        using var request = new HttpRequestMessage(HttpMethod.Post, postUrl) { Content = form };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> GetHtmxAsync(this HttpClient client, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("HX-Request", "true");
        return await client.SendAsync(request);
    }

    /// <summary>Where a response sends the browser: HX-Redirect for htmx, Location otherwise.</summary>
    public static string? RedirectTarget(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("HX-Redirect", out var hx) ? hx.First() : response.Headers.Location?.ToString();

    public static async Task<string> BodyAsync(this HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    /// <summary>The body with HTML entities decoded, for asserting on the text a person reads.</summary>
    public static async Task<string> TextAsync(this HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    public static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    public static void AssertStatus(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode == expected) return;
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.Fail($"Expected {(int)expected} but got {(int)response.StatusCode} {response.Headers.Location}. {body[..Math.Min(body.Length, 3000)]}");
    }
}
