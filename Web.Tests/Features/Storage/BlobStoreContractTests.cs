using System.Text;
using Parley.Infrastructure.Storage;

namespace Parley.Tests.Features.Storage;

/// <summary>What every IBlobStore must do; run on the file system and on Azurite (the Azure Blob REST contract).</summary>
public abstract class BlobStoreContractTests
{
    protected abstract IBlobStore Store { get; }
    private readonly string prefix = $"t-{Guid.NewGuid():n}";

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    private async Task<string?> ReadAsync(string path)
    {
        await using var stream = await Store.OpenReadAsync(path, default);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes_and_put_again_overwrites()
    {
        var path = $"{prefix}/bot/source/file.txt";
        await Store.PutAsync(path, Text("first version ✓"), "text/plain; charset=utf-8", default);
        Assert.Equal("first version ✓", await ReadAsync(path));
        Assert.True(await Store.ExistsAsync(path, default));
        await Store.PutAsync(path, Text("second"), "text/plain", default);
        Assert.Equal("second", await ReadAsync(path));
    }

    [Fact]
    public async Task Large_binary_content_round_trips()
    {
        var bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(bytes);
        var path = $"{prefix}/big.bin";
        await Store.PutAsync(path, new MemoryStream(bytes), "application/octet-stream", default);
        await using var stream = (await Store.OpenReadAsync(path, default))!;
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Missing_blobs_read_as_null_and_delete_as_false()
    {
        Assert.Null(await Store.OpenReadAsync($"{prefix}/nothing.txt", default));
        Assert.False(await Store.ExistsAsync($"{prefix}/nothing.txt", default));
        Assert.False(await Store.DeleteAsync($"{prefix}/nothing.txt", default));
    }

    [Fact]
    public async Task List_and_delete_by_prefix_touch_only_that_prefix()
    {
        await Store.PutAsync($"{prefix}/a/1.txt", Text("1"), "text/plain", default);
        await Store.PutAsync($"{prefix}/a/2.txt", Text("2"), "text/plain", default);
        await Store.PutAsync($"{prefix}/ab/3.txt", Text("3"), "text/plain", default);
        var listed = new List<string>();
        await foreach (var p in Store.ListAsync($"{prefix}/a/", default)) listed.Add(p);
        Assert.Equal([$"{prefix}/a/1.txt", $"{prefix}/a/2.txt"], listed.Order());

        Assert.Equal(2, await Store.DeletePrefixAsync($"{prefix}/a/", default));
        Assert.Null(await ReadAsync($"{prefix}/a/1.txt"));
        Assert.Equal("3", await ReadAsync($"{prefix}/ab/3.txt"));
        Assert.True(await Store.DeleteAsync($"{prefix}/ab/3.txt", default));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../b")]
    [InlineData("/rooted")]
    [InlineData("with space/x")]
    [InlineData("")]
    public async Task Unsafe_paths_are_refused(string path) =>
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(path, Text("x"), "text/plain", default));
}

public sealed class BlobStoreContractTests_FileSystem : BlobStoreContractTests, IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "parley-blobs", Guid.NewGuid().ToString("n"));
    protected override IBlobStore Store => new FileSystemBlobStore(root);
    public void Dispose() { try { Directory.Delete(root, true); } catch (IOException) { } }
}

[Trait(Providers.Trait, Providers.Azurite)]
public sealed class BlobStoreContractTests_Azurite : BlobStoreContractTests
{
    /// <summary>Azurite's documented development account.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly AzureBlobStore store = AzureBlobStore.Create(new StorageOptions
    {
        Provider = BlobProvider.AzureBlob,
        AzureServiceUri = Environment.GetEnvironmentVariable("PARLEY_TEST_AZURITE_BLOB")
            ?? throw new InvalidOperationException("PARLEY_TEST_AZURITE_BLOB is not set. Run scripts/test.sh, which starts Azurite, or filter with Provider!=Azurite."),
        AzureContainer = "contract-" + Guid.NewGuid().ToString("n")[..12],
        AzureAccountName = AccountName,
        AzureAccountKey = AccountKey,
    }, null);

    protected override IBlobStore Store => store;

    [Fact]
    public async Task A_request_signed_with_the_wrong_key_is_refused()
    {
        var wrong = AzureBlobStore.Create(new StorageOptions
        {
            Provider = BlobProvider.AzureBlob, AzureServiceUri = Environment.GetEnvironmentVariable("PARLEY_TEST_AZURITE_BLOB"),
            AzureContainer = "contract-wrongkey", AzureAccountName = AccountName, AzureAccountKey = Convert.ToBase64String(new byte[64]),
        }, null);
        var e = await Assert.ThrowsAsync<IOException>(() => wrong.PutAsync("x.txt", new MemoryStream([1]), "application/octet-stream", default));
        Assert.Contains("403", e.Message);
    }
}
