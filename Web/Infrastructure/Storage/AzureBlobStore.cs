using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Parley.Infrastructure.Storage;

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs: Shared Key for Azurite and account keys, an Entra ID token
/// (managed identity in Azure, through Azure.Identity) otherwise. The container is created on first write. Failures
/// surface as IOException with the service's status, like the file system's.
/// </summary>
public sealed class AzureBlobStore(BlobContainerClient container) : IBlobStore
{
    private readonly SemaphoreSlim containerLock = new(1, 1);
    private bool containerReady;

    /// <summary>One client for the app's life: the SDK pools connections and retries transient failures itself.</summary>
    public static AzureBlobStore Create(StorageOptions o, TokenCredential? credential, Azure.Core.Pipeline.HttpPipelineTransport? transport = null)
    {
        var service = new Uri(o.AzureServiceUri!);
        var options = new BlobClientOptions();
        if (transport is not null) options.Transport = transport;
        var client = !string.IsNullOrEmpty(o.AzureAccountKey)
            ? new BlobServiceClient(service, new StorageSharedKeyCredential(o.AzureAccountName, o.AzureAccountKey), options)
            : new BlobServiceClient(service, credential ?? throw new ArgumentNullException(nameof(credential), "Without an account key a token credential signs the requests."), options);
        return new AzureBlobStore(client.GetBlobContainerClient(o.AzureContainer));
    }

    private BlobClient Blob(string path) => container.GetBlobClient(BlobPaths.Check(path));

    public async Task PutAsync(string path, Stream content, string contentType, CancellationToken ct)
    {
        await EnsureContainerAsync(ct);
        await Guard("upload", path, () => Blob(path).UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct));
    }

    public async Task<Stream?> OpenReadAsync(string path, CancellationToken ct)
    {
        try { return (await Blob(path).DownloadStreamingAsync(cancellationToken: ct)).Value.Content; }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
        catch (RequestFailedException e) { throw Failure("read", path, e); }
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken ct)
    {
        try { return (await Blob(path).ExistsAsync(ct)).Value; }
        catch (RequestFailedException e) when (e.Status == 404) { return false; }
        catch (RequestFailedException e) { throw Failure("check", path, e); }
    }

    public async Task<bool> DeleteAsync(string path, CancellationToken ct)
    {
        try { return (await Blob(path).DeleteIfExistsAsync(cancellationToken: ct)).Value; }
        catch (RequestFailedException e) when (e.Status == 404) { return false; } // no container yet
        catch (RequestFailedException e) { throw Failure("delete", path, e); }
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
        await using var pages = container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).AsPages().GetAsyncEnumerator(ct);
        while (true)
        {
            Page<BlobItem> page;
            try
            {
                if (!await pages.MoveNextAsync()) yield break;
                page = pages.Current;
            }
            catch (RequestFailedException e) when (e.Status == 404) { yield break; } // no container yet: nothing stored
            catch (RequestFailedException e) { throw Failure("list", prefix, e); }
            foreach (var blob in page.Values) yield return blob.Name;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (containerReady) return;
        await containerLock.WaitAsync(ct);
        try
        {
            if (containerReady) return;
            await Guard("create container", container.Name, () => container.CreateIfNotExistsAsync(cancellationToken: ct));
            containerReady = true;
        }
        finally { containerLock.Release(); }
    }

    private static async Task Guard<T>(string action, string path, Func<Task<T>> call)
    {
        try { await call(); }
        catch (RequestFailedException e) { throw Failure(action, path, e); }
    }

    private static IOException Failure(string action, string path, RequestFailedException e) =>
        new($"Blob storage could not {action} '{path}': {e.Status} {e.ErrorCode}.", e);
}
