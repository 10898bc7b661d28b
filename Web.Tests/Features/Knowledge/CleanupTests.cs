using System.Text;
using Parley.Features.Knowledge.Sources;
using Parley.Infrastructure.Storage;

namespace Parley.Tests.Features.Knowledge;

/// <summary>Blob storage that refuses deletions while told to, as an outage would.</summary>
public sealed class BlobOutage { public volatile bool Down; }

internal sealed class FlakyBlobs(IBlobStore inner, BlobOutage outage) : IBlobStore
{
    public Task PutAsync(string path, Stream content, string contentType, CancellationToken ct) => inner.PutAsync(path, content, contentType, ct);
    public Task<Stream?> OpenReadAsync(string path, CancellationToken ct) => inner.OpenReadAsync(path, ct);
    public Task<bool> ExistsAsync(string path, CancellationToken ct) => inner.ExistsAsync(path, ct);
    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
    public Task<bool> DeleteAsync(string path, CancellationToken ct) => outage.Down ? throw new IOException("Storage is unavailable.") : inner.DeleteAsync(path, ct);
    public Task<int> DeletePrefixAsync(string prefix, CancellationToken ct) => outage.Down ? throw new IOException("Storage is unavailable.") : inner.DeletePrefixAsync(prefix, ct);
}

/// <summary>
/// Deleting a source or a workspace removes its rows in one transaction and leaves a record of what lies outside the
/// database; a storage outage only delays the files' removal, which is retried until they are gone.
/// </summary>
public abstract class CleanupTests<TApp> where TApp : ParleyApp, new()
{
    [Fact]
    public async Task A_storage_outage_during_deletes_leaves_no_orphaned_files_once_it_is_over()
    {
        var outage = new BlobOutage();
        await using var app = new TApp
        {
            TestServices = services =>
            {
                var original = services.Last(d => d.ServiceType == typeof(IBlobStore));
                services.Remove(original);
                services.AddSingleton<IBlobStore>(sp => new FlakyBlobs((IBlobStore)original.ImplementationFactory!(sp), outage));
            },
        };
        await app.InitializeAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Files");
        var page = $"/bots/{bot}/knowledge";
        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Upload", "a.txt", Encoding.UTF8.GetBytes("Alpha text."))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Upload", "b.txt", Encoding.UTF8.GetBytes("Beta text."))).AssertStatus(HttpStatusCode.OK);
        var sources = await app.WaitForSourcesAsync(ws.TenantId);
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        Task<List<PendingCleanup>> Pending() => app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Set<PendingCleanup>().AsNoTracking().Where(c => c.TenantId == ws.TenantId).ToListAsync());

        outage.Down = true;
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Delete&sourceId={sources[0].Id}", []);
        Assert.Single(await app.SourcesAsync(ws.TenantId)); // the rows are gone at once
        List<PendingCleanup> waiting = [];
        for (var i = 0; i < 200 && !(waiting = await Pending()).Any(c => c.Attempts > 0); i++) await Task.Delay(50);
        var failed = Assert.Single(waiting);
        Assert.Equal((CleanupScope.Source, sources[0].Id), (failed.Scope, failed.TargetId));
        Assert.Contains("Storage is unavailable", failed.LastError);
        Assert.True(await blobs.ExistsAsync(sources[0].BlobPath!, default)); // kept for the retry

        // The workspace is deleted during the outage too.
        (await ws.Tenant.PostFormAsync("/settings/workspace", "/settings/workspace?handler=Delete", Http.Form(("Delete.Confirmation", ws.Slug)))).RedirectTarget();
        Assert.False(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Tenants.AnyAsync(t => t.Id == ws.TenantId)));
        Assert.Equal(2, (await Pending()).Count);

        // Storage is back: the next runs remove every file and the records.
        outage.Down = false;
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Set<PendingCleanup>().Where(c => c.TenantId == ws.TenantId)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.NextAttemptAt, DateTimeOffset.UtcNow))); // instead of waiting out the backoff
        await app.ScopedAsync(async sp => { await ActivatorUtilities.CreateInstance<KnowledgeCleanupJob>(sp).RunAsync(CancellationToken.None); return 0; });
        Assert.Empty(await Pending());
        Assert.False(await blobs.ExistsAsync(sources[0].BlobPath!, default));
        Assert.False(await blobs.ExistsAsync(sources[1].BlobPath!, default));
    }
}

public sealed class CleanupTests_Sqlite : CleanupTests<SqliteApp>;

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class CleanupTests_Postgres : CleanupTests<PostgresApp>;
