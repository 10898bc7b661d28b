using System.Text.RegularExpressions;

namespace Parley.Infrastructure.Storage;

/// <summary>
/// Where uploaded files and fetched pages live. Paths are server-generated, '/'-separated, made of
/// [A-Za-z0-9._-] segments; callers never pass a user's file name through.
/// </summary>
public interface IBlobStore
{
    Task PutAsync(string path, Stream content, string contentType, CancellationToken ct);
    /// <summary>The blob's content, or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string path, CancellationToken ct);
    Task<bool> ExistsAsync(string path, CancellationToken ct);
    /// <summary>True when a blob was deleted; false when there was none.</summary>
    Task<bool> DeleteAsync(string path, CancellationToken ct);
    /// <summary>Deletes every blob under a prefix ("tenant/bot/"), returning how many.</summary>
    Task<int> DeletePrefixAsync(string prefix, CancellationToken ct);
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct);
}

public static partial class BlobPaths
{
    [GeneratedRegex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")]
    private static partial Regex Shape();

    public static string Check(string path)
    {
        if (!Shape().IsMatch(path) || path.Split('/').Any(s => s is "." or ".."))
            throw new ArgumentException($"'{path}' is not a valid blob path.", nameof(path));
        return path;
    }

    public static string CheckPrefix(string prefix)
    {
        if (prefix.Length == 0) throw new ArgumentException("A prefix is required; the whole store is never listed or deleted at once.", nameof(prefix));
        Check(prefix.TrimEnd('/'));
        return prefix;
    }
}

/// <summary>The embedded default: files under a folder (App_Data/blobs), written to a temporary name and moved into place.</summary>
public sealed class FileSystemBlobStore(string root) : IBlobStore
{
    private string Full(string path) => Path.Combine(root, BlobPaths.Check(path).Replace('/', Path.DirectorySeparatorChar));

    public async Task PutAsync(string path, Stream content, string contentType, CancellationToken ct)
    {
        var target = Full(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + "." + Guid.NewGuid().ToString("n") + ".tmp";
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            await content.CopyToAsync(file, ct);
        File.Move(temp, target, overwrite: true); // readers see the old blob or the new one, never half of one
    }

    public Task<Stream?> OpenReadAsync(string path, CancellationToken ct)
    {
        var full = Full(path);
        return Task.FromResult<Stream?>(File.Exists(full) ? new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true) : null);
    }

    public Task<bool> ExistsAsync(string path, CancellationToken ct) => Task.FromResult(File.Exists(Full(path)));

    public Task<bool> DeleteAsync(string path, CancellationToken ct)
    {
        var full = Full(path);
        if (!File.Exists(full)) return Task.FromResult(false);
        File.Delete(full);
        return Task.FromResult(true);
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
        if (!Directory.Exists(root)) yield break;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order())
        {
            ct.ThrowIfCancellationRequested();
            if (file.EndsWith(".tmp")) continue;
            var path = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (path.StartsWith(prefix, StringComparison.Ordinal)) yield return path;
        }
        await Task.CompletedTask;
    }
}
