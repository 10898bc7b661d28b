using Azure.Identity;
using Microsoft.Extensions.Options;

namespace Parley.Infrastructure.Storage;

public enum BlobProvider { FileSystem, AzureBlob }

public class StorageOptions
{
    public const string Section = "Parley:Storage";

    public BlobProvider Provider { get; set; } = BlobProvider.FileSystem;
    /// <summary>Folder for the file-system store, relative to the content root.</summary>
    public string FileSystemRoot { get; set; } = "App_Data/blobs";
    /// <summary>https://{account}.blob.core.windows.net, or Azurite's http://127.0.0.1:10000/devstoreaccount1.</summary>
    public string? AzureServiceUri { get; set; }
    public string AzureContainer { get; set; } = "parley";
    public string? AzureAccountName { get; set; }
    /// <summary>Shared Key; leave empty in Azure to sign in with the managed identity.</summary>
    public string? AzureAccountKey { get; set; }
}

public static class StorageSetup
{
    public static IHostApplicationBuilder AddParleyStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => o.Provider != BlobProvider.AzureBlob || !string.IsNullOrEmpty(o.AzureServiceUri), "Parley:Storage:AzureServiceUri is required for AzureBlob.")
            .Validate(o => string.IsNullOrEmpty(o.AzureAccountKey) || !string.IsNullOrEmpty(o.AzureAccountName), "Parley:Storage:AzureAccountName is required with an account key.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IBlobStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (o.Provider == BlobProvider.FileSystem)
            {
                var root = Path.IsPathRooted(o.FileSystemRoot) ? o.FileSystemRoot : Path.Combine(builder.Environment.ContentRootPath, o.FileSystemRoot);
                return new FileSystemBlobStore(root);
            }
            return AzureBlobStore.Create(o, string.IsNullOrEmpty(o.AzureAccountKey) ? new DefaultAzureCredential() : null,
                Outbound.ResilientClients.AzureTransport(sp, Outbound.ResilientClients.AzureBlob));
        });
        return builder;
    }
}
