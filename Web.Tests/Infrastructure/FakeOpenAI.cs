using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Stands in for Azure OpenAI's v1 endpoint (which cannot run here) and holds every request to the documented
/// contract of POST /embeddings (https://platform.openai.com/docs/api-reference/embeddings/create): bearer
/// authentication, JSON with a model and 1..2,048 non-empty string inputs, optional dimensions and
/// encoding_format ("float" or "base64", little-endian float32), no other fields. A request that breaks the contract
/// gets the API's 400 error shape and is recorded as a violation. Answers with deterministic vectors and usage.
/// </summary>
public sealed class FakeOpenAI : IAsyncLifetime
{
    private WebApplication? server;
    public const string Key = "test-key-123";
    public int Port { get; private set; }
    public string Endpoint => $"http://127.0.0.1:{Port}/openai/v1/";
    public ConcurrentQueue<JsonObject> Requests { get; } = new();
    public ConcurrentQueue<string> Violations { get; } = new();
    /// <summary>The next N requests are refused with 429 and Retry-After, as a throttled deployment does.</summary>
    public int ThrottleNext;
    /// <summary>When set, every request fails with this status (a broken deployment).</summary>
    public int? FailWith;

    public async Task InitializeAsync()
    {
        (server, Port) = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/openai/v1/embeddings", async (HttpContext c) => await (await Embeddings(c)).ExecuteAsync(c));
            app.MapPost("/openai/v1/chat/completions", ChatAsync);
        });
    }

    private async Task<IResult> Embeddings(HttpContext c)
    {
        if (c.Request.Headers.Authorization.ToString() != $"Bearer {Key}") return Error(401, "Incorrect API key provided.", "invalid_api_key");
        if (Interlocked.Decrement(ref ThrottleNext) >= 0)
        {
            c.Response.Headers.RetryAfter = "0";
            return Error(429, "Rate limit reached for requests.", "rate_limit_exceeded");
        }
        if (FailWith is { } status) return Error(status, "The server had an error while processing your request.", "server_error");
        if (c.Request.ContentType?.StartsWith("application/json") != true) return Violation("Content-Type must be application/json.");
        JsonObject body;
        try { body = (JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync()) as JsonObject) ?? throw new JsonException(); }
        catch (JsonException) { return Violation("The body is not a JSON object."); }
        Requests.Enqueue(body);
        foreach (var field in body.Select(p => p.Key))
            if (field is not ("model" or "input" or "dimensions" or "encoding_format" or "user")) return Violation($"Unrecognized request argument supplied: {field}");
        if (body["model"]?.GetValueKind() != JsonValueKind.String) return Violation("'model' is required and must be a string.");
        if (body["input"] is not JsonArray input || input.Count is 0 or > 2048) return Violation("'input' must be an array of 1 to 2048 strings.");
        var texts = new List<string>();
        foreach (var item in input)
        {
            if (item?.GetValueKind() != JsonValueKind.String || item.GetValue<string>().Length == 0) return Violation("Each input must be a non-empty string.");
            texts.Add(item.GetValue<string>());
        }
        var dims = 1536;
        if (body["dimensions"] is { } d)
        {
            if (d.GetValueKind() != JsonValueKind.Number || d.GetValue<int>() < 1) return Violation("'dimensions' must be a positive integer.");
            dims = d.GetValue<int>();
        }
        var format = body["encoding_format"]?.GetValue<string>() ?? "float";
        if (format is not ("float" or "base64")) return Violation("'encoding_format' must be float or base64.");

        var data = new JsonArray();
        var tokens = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var vector = Vector(texts[i], dims);
            tokens += texts[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            JsonNode embedding = format == "base64"
                ? JsonValue.Create(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray(vector.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }
        return Json(new JsonObject
        {
            ["object"] = "list", ["data"] = data, ["model"] = body["model"]!.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }

    /// <summary>While set, chat answers fail after their first words (a connection dropped mid-stream), retries included.</summary>
    public bool BreakStreams;
    public ConcurrentQueue<JsonObject> ChatRequests { get; } = new();

    /// <summary>
    /// POST /chat/completions with "stream": true (https://platform.openai.com/docs/api-reference/chat/streaming): answers
    /// with chat.completion.chunk events, a final usage chunk, and [DONE]. The answer quotes the first passage it was given
    /// and cites it, as the prompt asks, so the pipeline's source handling is exercised end to end.
    /// </summary>
    private async Task ChatAsync(HttpContext c)
    {
        if (c.Request.Headers.Authorization.ToString() != $"Bearer {Key}") { await Error(401, "Incorrect API key provided.", "invalid_api_key").ExecuteAsync(c); return; }
        JsonObject body;
        try { body = (JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync()) as JsonObject) ?? throw new JsonException(); }
        catch (JsonException) { await Violation("The body is not a JSON object.").ExecuteAsync(c); return; }
        ChatRequests.Enqueue(body);
        string? problem = null;
        foreach (var field in body.Select(p => p.Key))
            if (field is not ("model" or "messages" or "stream" or "stream_options" or "temperature" or "max_completion_tokens" or "max_tokens" or "user"))
                problem ??= $"Unrecognized request argument supplied: {field}";
        if (body["model"]?.GetValueKind() != JsonValueKind.String) problem ??= "'model' is required.";
        if (body["stream"]?.GetValue<bool>() != true) problem ??= "This stand-in only answers streaming requests; Parley always streams.";
        if (body["temperature"] is { } t && (t.GetValueKind() != JsonValueKind.Number || t.GetValue<double>() is < 0 or > 2)) problem ??= "'temperature' must be between 0 and 2.";
        if (body["messages"] is not JsonArray messages || messages.Count == 0) problem ??= "'messages' must be a non-empty array.";
        else
            foreach (var m in messages)
            {
                if (m?["role"]?.GetValue<string>() is not ("system" or "user" or "assistant" or "developer")) problem ??= "Each message needs a role of system, developer, user or assistant.";
                var content = m?["content"];
                if (content is null || (content.GetValueKind() != JsonValueKind.String && content is not JsonArray)) problem ??= "Each message needs content.";
            }
        if (problem is not null) { await Violation(problem).ExecuteAsync(c); return; }

        var model = body["model"]!.GetValue<string>();
        var all = ((JsonArray)body["messages"]!).Select(m => Text(m!["content"]!)).ToList();
        var passage = System.Text.RegularExpressions.Regex.Match(string.Join("\n", all), "<passage id=\"(\\d+)\"[^>]*>(.*?)</passage>", System.Text.RegularExpressions.RegexOptions.Singleline);
        var answer = passage.Success ? $"From what I know: {System.Net.WebUtility.HtmlDecode(passage.Groups[2].Value).Trim()} [{passage.Groups[1].Value}]" : "I don't know that one.";
        c.Response.ContentType = "text/event-stream";
        var words = answer.Split(' ');
        var breakNow = BreakStreams;
        for (var i = 0; i < words.Length; i++)
        {
            var delta = new JsonObject { ["content"] = (i == 0 ? "" : " ") + words[i] };
            if (i == 0) delta["role"] = "assistant";
            await Chunk(c, model, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null }), null);
            if (breakNow && i == 2) { c.Abort(); return; }
        }
        await Chunk(c, model, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = "stop" }), null);
        var promptTokens = all.Sum(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            await Chunk(c, model, [], new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = words.Length, ["total_tokens"] = promptTokens + words.Length });
        await c.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static string Text(JsonNode content) => content is JsonArray parts ? string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())) : content.GetValue<string>();

    private static async Task Chunk(HttpContext c, string model, JsonArray choices, JsonObject? usage)
    {
        var chunk = new JsonObject { ["id"] = "chatcmpl-test", ["object"] = "chat.completion.chunk", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["model"] = model, ["choices"] = choices };
        if (usage is not null) chunk["usage"] = usage;
        await c.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n");
        await c.Response.Body.FlushAsync();
    }

    /// <summary>Bag-of-words vectors, so texts sharing words are close, as real embeddings of them would be.</summary>
    private static float[] Vector(string text, int dims)
    {
        var v = new float[dims];
        foreach (var word in text.ToLowerInvariant().Split([' ', '\n', '.', ',', '?', ':'], StringSplitOptions.RemoveEmptyEntries))
            v[BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(word))) % (uint)dims] += 1;
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return norm == 0 ? v : v.Select(x => x / norm).ToArray();
    }

    private IResult Violation(string message)
    {
        Violations.Enqueue(message);
        return Error(400, message, "invalid_request_error");
    }

    private static IResult Error(int status, string message, string code) =>
        Json(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = code, ["param"] = null, ["code"] = code } }, status);

    private static IResult Json(JsonObject body, int status = 200) => Results.Content(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }
}
