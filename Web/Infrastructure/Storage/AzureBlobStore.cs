using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Azure.Core;

namespace Parley.Infrastructure.Storage;

/// <summary>
/// Azure Blob Storage over its REST API (Azure.Storage.Blobs is not in the registry): SharedKey signing for
/// Azurite and account keys, an Entra ID bearer token (Azure.Core TokenCredential, managed identity in Azure) otherwise.
/// </summary>
public sealed class AzureBlobStore(HttpClient http, StorageOptions options, TokenCredential? credential) : IBlobStore
{
    private const string ApiVersion = "2023-11-03";
    private static readonly string[] Scope = ["https://storage.azure.com/.default"];
    private readonly SemaphoreSlim containerLock = new(1, 1);
    private bool containerReady;

    private Uri BlobUri(string path, string query = "") =>
        new($"{options.AzureServiceUri!.TrimEnd('/')}/{options.AzureContainer}/{BlobPaths.Check(path)}{query}");

    private Uri ContainerUri(string query) => new($"{options.AzureServiceUri!.TrimEnd('/')}/{options.AzureContainer}{query}");

    public async Task PutAsync(string path, Stream content, string contentType, CancellationToken ct)
    {
        await EnsureContainerAsync(ct);
        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        var request = new HttpRequestMessage(HttpMethod.Put, BlobUri(path)) { Content = new ByteArrayContent(buffer.ToArray()) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await SendAsync(request, ct);
        await EnsureAsync(response, "upload", path);
    }

    public async Task<Stream?> OpenReadAsync(string path, CancellationToken ct)
    {
        var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, BlobUri(path)), ct, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.NotFound) { response.Dispose(); return null; }
        await EnsureAsync(response, "read", path);
        return await response.Content.ReadAsStreamAsync(ct);
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Head, BlobUri(path)), ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, "check", path);
        return true;
    }

    public async Task<bool> DeleteAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, BlobUri(path)), ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, "delete", path);
        return true;
    }

    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken ct)
    {
        var count = 0;
        await foreach (var path in ListAsync(prefix, ct))
            if (await DeleteAsync(path, ct)) count++;
        return count;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        BlobPaths.CheckPrefix(prefix);
        string? marker = null;
        do
        {
            var query = $"?restype=container&comp=list&prefix={Uri.EscapeDataString(prefix)}" + (marker is null ? "" : $"&marker={Uri.EscapeDataString(marker)}");
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, ContainerUri(query)), ct);
            if (response.StatusCode == HttpStatusCode.NotFound) yield break; // no container yet: nothing stored
            await EnsureAsync(response, "list", prefix);
            var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            foreach (var name in xml.Descendants("Blob").Select(b => b.Element("Name")?.Value).OfType<string>())
                yield return name;
            marker = xml.Root?.Element("NextMarker")?.Value;
        } while (!string.IsNullOrEmpty(marker));
    }

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (containerReady) return;
        await containerLock.WaitAsync(ct);
        try
        {
            if (containerReady) return;
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Put, ContainerUri("?restype=container")), ct);
            if (response.StatusCode != HttpStatusCode.Conflict) await EnsureAsync(response, "create container", options.AzureContainer);
            containerReady = true;
        }
        finally { containerLock.Release(); }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        request.Headers.Add("x-ms-version", ApiVersion);
        request.Headers.Add("x-ms-date", DateTimeOffset.UtcNow.ToString("R"));
        if (!string.IsNullOrEmpty(options.AzureAccountKey))
            request.Headers.Authorization = new AuthenticationHeaderValue("SharedKey", $"{options.AzureAccountName}:{SharedKey.Sign(request, options.AzureAccountName!, options.AzureAccountKey)}");
        else if (credential is not null)
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext(Scope), ct);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }
        return await http.SendAsync(request, completion, ct);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string action, string path)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        throw new IOException($"Blob storage could not {action} '{path}': {(int)response.StatusCode} {response.ReasonPhrase}. {body[..Math.Min(body.Length, 300)]}");
    }
}

/// <summary>The Shared Key signature of the Blob service (the documented string-to-sign, version 2015-02-21 and later).</summary>
public static class SharedKey
{
    public static string Sign(HttpRequestMessage request, string account, string base64Key)
    {
        var content = request.Content?.Headers;
        var length = content?.ContentLength is > 0 ? content.ContentLength.ToString() : "";
        string H(string name) => request.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";
        var canonicalHeaders = request.Headers.Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(",", h.Value).Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => $"{h.Name}:{h.Value}\n");
        var uri = request.RequestUri!;
        var resource = new StringBuilder($"/{account}{uri.AbsolutePath}");
        foreach (var (name, value) in ParseQuery(uri.Query).OrderBy(q => q.Name, StringComparer.Ordinal))
            resource.Append('\n').Append(name).Append(':').Append(value);
        var toSign = string.Join("\n",
            request.Method.Method,
            string.Join(",", content?.ContentEncoding ?? []),
            string.Join(",", content?.ContentLanguage ?? []),
            length,
            content?.ContentMD5 is { } md5 ? Convert.ToBase64String(md5) : "",
            content?.ContentType?.ToString() ?? "",
            "", // Date: x-ms-date is sent instead
            H("If-Modified-Since"), H("If-Match"), H("If-None-Match"), H("If-Unmodified-Since"), H("Range"))
            + "\n" + string.Concat(canonicalHeaders) + resource;
        return Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(base64Key), Encoding.UTF8.GetBytes(toSign)));
    }

    private static IEnumerable<(string Name, string Value)> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .GroupBy(p => Uri.UnescapeDataString(p[0]).ToLowerInvariant())
            .Select(g => (g.Key, string.Join(",", g.Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "").Order(StringComparer.Ordinal))));
}
