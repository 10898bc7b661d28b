using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Stands in for an Azure AI Search service (no emulator exists) and holds requests to the documented REST contract
/// (https://learn.microsoft.com/rest/api/searchservice/): api-key header and api-version on every call; an index
/// definition whose key, filterable, searchable and vector fields and HNSW profile are consistent; documents
/// carrying @search.action, their key, only defined fields and vectors of the declared dimensions; searches whose
/// $filter uses filterable fields, whose select names existing fields and whose vector queries target a vector field
/// with the right length. Breaches get the service's 400 error shape and are recorded. Hybrid queries are answered
/// by keyword overlap and cosine similarity fused with reciprocal rank fusion, as the service does.
/// </summary>
public sealed class FakeAzureSearch : IAsyncLifetime
{
    private WebApplication? server;
    public const string Key = "search-admin-key";
    public int Port { get; private set; }
    public string Endpoint => $"https://127.0.0.1:{Port}";
    /// <summary>The service's TLS certificate: self-signed, made for this run, trusted only by the client <see cref="Trust"/> configures.</summary>
    public X509Certificate2 Certificate { get; } = SelfSigned();

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Makes the app's Azure AI Search client trust this server's certificate (and no other untrusted one).</summary>
    public void Trust(IServiceCollection services) =>
        services.AddHttpClient(Parley.Infrastructure.Outbound.ResilientClients.AzureSearch).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || presented?.Thumbprint == Certificate.Thumbprint,
        });
    public ConcurrentQueue<string> Violations { get; } = new();
    public ConcurrentQueue<string> Calls { get; } = new();
    public JsonObject? Index { get; private set; }
    public ConcurrentDictionary<string, JsonObject> Documents { get; } = new();

    public async Task InitializeAsync()
    {
        (server, Port) = await LoopbackServer.StartAsync(app => app.MapFallback("{**path}", async (HttpContext c) => await (await HandleAsync(c)).ExecuteAsync(c)), Certificate);
    }

    private async Task<IResult> HandleAsync(HttpContext c)
    {
        var path = Uri.UnescapeDataString(c.Request.Path.Value ?? "");
        Calls.Enqueue($"{c.Request.Method} {path}");
        if (c.Request.Headers["api-key"] != Key) return Error(403, "Authorization failed: missing or wrong api-key.");
        if (string.IsNullOrEmpty(c.Request.Query["api-version"])) return Violation("The api-version query parameter is required.");
        JsonObject? body = null;
        if (c.Request.ContentLength > 0 || c.Request.Method is "PUT" or "POST")
        {
            try { body = JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync()) as JsonObject; }
            catch (JsonException) { return Violation("The request body is not valid JSON."); }
        }
        var m = System.Text.RegularExpressions.Regex.Match(path, @"^/indexes(?:\('(?<name>[^']+)'\)|/(?<name>[^/]+))(?<rest>/.*)?$");
        if (!m.Success) return Violation($"Unknown resource {c.Request.Method} {path}.");
        var name = m.Groups["name"].Value;
        var rest = m.Groups["rest"].Value;
        return (c.Request.Method, rest) switch
        {
            ("PUT", "") => PutIndex(name, body),
            ("POST", "/docs/search.index") => IndexDocs(name, body),
            ("POST", "/docs/search.post.search") => Search(name, body),
            _ => Violation($"Unsupported call {c.Request.Method} {path}."),
        };
    }

    private IResult PutIndex(string name, JsonObject? body)
    {
        if (body?["name"]?.GetValue<string>() != name) return Violation("The index name in the body must match the URL.");
        if (body["fields"] is not JsonArray fields) return Violation("An index needs fields.");
        var keys = fields.Where(f => f?["key"]?.GetValue<bool>() == true).ToList();
        if (keys.Count != 1 || keys[0]!["type"]?.GetValue<string>() != "Edm.String") return Violation("An index needs exactly one key field of type Edm.String.");
        var profiles = (body["vectorSearch"]?["profiles"] as JsonArray ?? []).Select(p => (Name: p!["name"]!.GetValue<string>(), Algorithm: p["algorithm"]?.GetValue<string>())).ToList();
        var algorithms = (body["vectorSearch"]?["algorithms"] as JsonArray ?? []).ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!["kind"]?.GetValue<string>());
        foreach (var f in fields)
        {
            if (f?["type"]?.GetValue<string>() != "Collection(Edm.Single)") continue;
            if (f["dimensions"]?.GetValue<int>() is not (> 1 and <= 4096)) return Violation($"Vector field {f["name"]} needs dimensions between 2 and 4096.");
            var profile = profiles.FirstOrDefault(p => p.Name == f["vectorSearchProfile"]?.GetValue<string>());
            if (profile.Name is null) return Violation($"Vector field {f["name"]} names a vector search profile that does not exist.");
            if (!algorithms.TryGetValue(profile.Algorithm ?? "", out var kind) || kind is not ("hnsw" or "exhaustiveKnn")) return Violation($"Profile {profile.Name} needs an hnsw or exhaustiveKnn algorithm.");
            if (f["searchable"]?.GetValue<bool>() == false) return Violation($"Vector field {f["name"]} must be searchable.");
        }
        Index = body;
        return Json(body, 201);
    }

    private JsonObject? Field(string name) => (Index?["fields"] as JsonArray)?.FirstOrDefault(f => f?["name"]?.GetValue<string>() == name) as JsonObject;
    private string KeyName => ((JsonArray)Index!["fields"]!).First(f => f?["key"]?.GetValue<bool>() == true)!["name"]!.GetValue<string>();

    private IResult IndexDocs(string name, JsonObject? body)
    {
        if (Index?["name"]?.GetValue<string>() != name) return Error(404, $"The index '{name}' was not found.");
        if (body?["value"] is not JsonArray actions || actions.Count is 0 or > 1000) return Violation("A batch holds 1 to 1000 actions in 'value'.");
        var results = new JsonArray();
        foreach (var action in actions.OfType<JsonObject>())
        {
            var kind = action["@search.action"]?.GetValue<string>() ?? "upload";
            if (kind is not ("upload" or "merge" or "mergeOrUpload" or "delete")) return Violation($"Unknown @search.action {kind}.");
            if (action[KeyName]?.GetValue<string>() is not { Length: > 0 } key) return Violation("Every action needs the key field.");
            foreach (var (field, value) in action)
            {
                if (field.StartsWith('@')) continue;
                var def = Field(field);
                if (def is null) return Violation($"The property '{field}' does not exist on type 'search.documentFields'.");
                if (def["type"]?.GetValue<string>() == "Collection(Edm.Single)" && (value as JsonArray)?.Count != def["dimensions"]!.GetValue<int>())
                    return Violation($"The vector field '{field}' must have {def["dimensions"]} values.");
            }
            if (kind == "delete") Documents.TryRemove(key, out _);
            else Documents[key] = (JsonObject)action.DeepClone();
            results.Add(new JsonObject { ["key"] = key, ["status"] = true, ["errorMessage"] = null, ["statusCode"] = kind == "delete" ? 200 : 201 });
        }
        return Json(new JsonObject { ["value"] = results });
    }

    private IResult Search(string name, JsonObject? body)
    {
        if (Index?["name"]?.GetValue<string>() != name) return Error(404, $"The index '{name}' was not found.");
        if (body is null) return Violation("A search needs a JSON body.");
        foreach (var field in body.Select(p => p.Key))
            if (field is not ("search" or "filter" or "top" or "skip" or "select" or "vectorQueries" or "count" or "queryType" or "searchMode" or "orderby"))
                return Violation($"Unknown search parameter '{field}'.");
        var top = body["top"]?.GetValue<int>() ?? 50;
        var skip = body["skip"]?.GetValue<int>() ?? 0;
        if (top is < 0 or > 1000 || skip is < 0 or > 100_000) return Violation("top must be 0..1000 and skip 0..100000.");
        var select = (body["select"]?.GetValue<string>() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (select.FirstOrDefault(s => Field(s) is null) is { } missing) return Violation($"Could not find a property named '{missing}' to select.");

        var clauses = new List<(string Field, string Value)>();
        if (body["filter"]?.GetValue<string>() is { } filter)
            foreach (var part in filter.Split(" and "))
            {
                var fm = System.Text.RegularExpressions.Regex.Match(part.Trim(), @"^(\w+) eq '([^']*)'$");
                if (!fm.Success) return Violation($"Invalid expression in $filter: {part}");
                if (Field(fm.Groups[1].Value)?["filterable"]?.GetValue<bool>() != true) return Violation($"The field '{fm.Groups[1].Value}' is not filterable.");
                clauses.Add((fm.Groups[1].Value, fm.Groups[2].Value));
            }
        var docs = Documents.Values.Where(d => clauses.All(c => d[c.Field]?.ToString() == c.Value)).ToList();

        var scores = new Dictionary<string, double>();
        var text = body["search"]?.GetValue<string>() ?? "*";
        if (text == "*") foreach (var d in docs) scores[d[KeyName]!.ToString()] = 1;
        else
        {
            var terms = text.ToLowerInvariant().Split([' ', '?', '.', ','], StringSplitOptions.RemoveEmptyEntries);
            var keyword = docs.Select(d => (Key: d[KeyName]!.ToString(), Hits: terms.Count(t => (d["text"]?.ToString() ?? "").Contains(t, StringComparison.OrdinalIgnoreCase))))
                .Where(x => x.Hits > 0).OrderByDescending(x => x.Hits).ToList();
            for (var i = 0; i < keyword.Count; i++) scores[keyword[i].Key] = 1.0 / (60 + i + 1);
        }
        foreach (var q in (body["vectorQueries"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (q["kind"]?.GetValue<string>() != "vector") return Violation("Vector queries need kind 'vector'.");
            var field = Field(q["fields"]?.GetValue<string>() ?? "");
            if (field?["type"]?.GetValue<string>() != "Collection(Edm.Single)") return Violation("A vector query must target a vector field.");
            var vector = (q["vector"] as JsonArray)?.Select(v => v!.GetValue<float>()).ToArray();
            if (vector?.Length != field["dimensions"]!.GetValue<int>()) return Violation($"The vector query needs {field["dimensions"]} values.");
            var k = q["k"]?.GetValue<int>() ?? 50;
            var nearest = docs.Select(d => (Key: d[KeyName]!.ToString(), Sim: Cosine(vector, ((JsonArray)d[field["name"]!.GetValue<string>()]!).Select(v => v!.GetValue<float>()).ToArray())))
                .OrderByDescending(x => x.Sim).Take(k).ToList();
            for (var i = 0; i < nearest.Count; i++) scores[nearest[i].Key] = scores.GetValueOrDefault(nearest[i].Key) + 1.0 / (60 + i + 1);
        }
        var value = new JsonArray();
        foreach (var (key, score) in scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Skip(skip).Take(top))
        {
            var doc = Documents[key];
            var hit = new JsonObject { ["@search.score"] = score };
            foreach (var f in select.Count > 0 ? select : doc.Select(p => p.Key).Where(p => !p.StartsWith('@')).ToList()) hit[f] = doc[f]?.DeepClone();
            value.Add(hit);
        }
        return Json(new JsonObject { ["value"] = value });
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private IResult Violation(string message)
    {
        Violations.Enqueue(message);
        return Error(400, message);
    }

    private static IResult Error(int status, string message) =>
        Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "", ["message"] = message } }, status);

    private static IResult Json(JsonObject body, int status = 200) => Results.Content(body.ToJsonString(), "application/json; odata.metadata=minimal", Encoding.UTF8, status);

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }
}
