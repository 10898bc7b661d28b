using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Parley.Tests.Infrastructure;

/// <summary>A visitor's widget, as the iframe drives it: same-origin posts with the visitor token header, answers read from the SSE stream.</summary>
public sealed partial class WidgetClient(HttpClient http, string botId)
{
    public WidgetClient(ParleyApp app, string botId) : this(app.Client("localhost"), botId) { }

    public HttpClient Http { get; } = http;
    public string Base => $"/widget/{botId}";
    public string? Token { get; set; }
    public string Origin { get; set; } = "http://localhost";

    public async Task StartAsync()
    {
        var response = await PostAsync("?handler=Session", []);
        response.AssertStatus(HttpStatusCode.OK);
        Token = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
    }

    public async Task<HttpResponseMessage> PostAsync(string query, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Base + query) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Origin", Origin);
        request.Headers.Add("HX-Request", "true");
        if (Token is not null) request.Headers.Add("X-Parley-Visitor", Token);
        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> GetAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Base + query);
        request.Headers.Add("HX-Request", "true");
        if (Token is not null) request.Headers.Add("X-Parley-Visitor", Token);
        return await Http.SendAsync(request);
    }

    [GeneratedRegex("sse-connect=\"([^\"]+)\"")]
    private static partial Regex StreamUrl();

    /// <summary>The conversation a new conversation's HTML is for.</summary>
    public static Guid ConversationOf(string html) => Guid.Parse(Regex.Match(html, "data-conversation=\"([0-9a-f-]+)\"").Groups[1].Value);

    public static string? StreamOf(string html) => StreamUrl().Match(html) is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>Sends a message; returns the response HTML (the turn, or the whole new conversation).</summary>
    public string? Tab { get; set; }

    public async Task<string> SendAsync(string text, Guid? conversationId = null)
    {
        var form = new Dictionary<string, string> { ["text"] = text, ["pageUrl"] = "https://shop.example/help", ["pageTitle"] = "Help" };
        if (Tab is not null) form["tab"] = Tab;
        if (conversationId is { } id) form["conversationId"] = id.ToString();
        var response = await PostAsync("?handler=Send", form);
        response.AssertStatus(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    public sealed record Streamed(List<string> Tokens, string Done);

    /// <summary>Reads an answer's event stream to its end.</summary>
    public Task<Streamed> StreamAsync(string url) => StreamFromAsync(Http, url);

    /// <summary>Reads an event stream with the given client (a signed-in dashboard client for the playground).</summary>
    public async Task<Streamed> StreamFromAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var tokens = new List<string>();
        string? name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ")) name = line[7..];
            else if (line.StartsWith("data: ")) data.Add(line[6..]);
            else if (line.Length == 0 && name is not null)
            {
                var payload = string.Join("\n", data);
                if (name == "done") return new Streamed(tokens, payload);
                tokens.Add(payload);
                (name, data) = (null, []);
            }
        }
        throw new InvalidOperationException("The stream ended without a done event.");
    }

    /// <summary>Opens this visitor's live stream (as the widget does while open) and collects its events in the background.</summary>
    public async Task<LiveStream> OpenLiveAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/live?tab={Tab}");
        if (Token is not null) request.Headers.Add("X-Parley-Visitor", Token);
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.AssertStatus(HttpStatusCode.OK);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());
        return new LiveStream(response, reader);
    }

    public sealed class LiveStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage response;
        private readonly Task pump;
        public System.Collections.Concurrent.ConcurrentQueue<(string Event, string Data)> Events { get; } = new();

        public LiveStream(HttpResponseMessage response, StreamReader reader)
        {
            this.response = response;
            pump = Task.Run(async () =>
            {
                string? name = null;
                var data = new List<string>();
                try
                {
                    while (await reader.ReadLineAsync() is { } line)
                    {
                        if (line.StartsWith("event: ")) name = line[7..];
                        else if (line.StartsWith("data: ")) data.Add(line[6..]);
                        else if (line.Length == 0 && name is not null) { Events.Enqueue((name, string.Join("\n", data))); (name, data) = (null, []); }
                    }
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException) { }
            });
        }

        public async Task<List<(string Event, string Data)>> WaitForAsync(int count, TimeSpan within)
        {
            var until = DateTime.UtcNow + within;
            while (Events.Count < count && DateTime.UtcNow < until) await Task.Delay(50);
            return Events.ToList();
        }

        public async ValueTask DisposeAsync()
        {
            response.Dispose();
            await Task.WhenAny(pump, Task.Delay(1000));
        }
    }

    /// <summary>Starts a session and asks one question; the answer's stream read to its end.</summary>
    public async Task<Streamed> AskStartedAsync(string text)
    {
        await StartAsync();
        return (await AskAsync(text)).Answer;
    }

    public async Task<(string Html, Streamed Answer)> AskAsync(string text, Guid? conversationId = null)
    {
        var html = await SendAsync(text, conversationId);
        var url = StreamOf(html) ?? throw new InvalidOperationException("No stream in: " + html);
        return (html, await StreamAsync(url));
    }
}
