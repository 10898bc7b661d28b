using System.Text;
using Hangfire;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Knowledge;

/// <summary>
/// The ingestion job under concurrency: one queued job per source however often the sweep runs; a run whose lease
/// lapses changes nothing once another run has taken the source, and every passage is stored exactly once.
/// </summary>
public abstract class IngestionConcurrencyTests<TApp> where TApp : ParleyApp, new()
{
    private static string LargeText() => string.Join("\n\n", Enumerable.Range(1, 3000).Select(i =>
        $"## Article {i}\nClause {i} says the item number {i * 7919 % 10007} ships from depot {i % 37} within {i % 9 + 1} days, " +
        $"insured up to {i * 13 % 997} euros, and returns are handled by desk {i % 23} with reference code R{i:D5}."));

    [Fact]
    public async Task Repeated_sweeps_queue_one_job_per_source()
    {
        // No job server: queued jobs stay queued, so every duplicate would show.
        await using var app = new TApp { Settings = new() { ["Parley:Jobs:RunServer"] = "false" } };
        await app.InitializeAsync();
        var ws = await app.SignUpAsync();
        await app.UpdateSubscriptionAsync(ws.TenantId, u => u.SetProperty(s => s.Limits.Sources, 10));
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        foreach (var title in new[] { "Hours", "Returns", "Delivery" })
            (await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", title), ("content", $"{title}: we answer within a day.")))).AssertStatus(HttpStatusCode.OK);
        var sources = await app.SourcesAsync(ws.TenantId);
        Assert.Equal(3, sources.Count);

        for (var i = 0; i < 5; i++)
            await app.ScopedAsync(async sp => { await ActivatorUtilities.CreateInstance<IngestionSweepJob>(sp).RunAsync(CancellationToken.None); return 0; });

        var monitor = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var queued = monitor.EnqueuedJobs("default", 0, 1000).Select(j => j.Value.Job)
            .Where(j => j?.Type == typeof(IngestionJob)).Select(j => (Guid)j!.Args[0]).ToList();
        Assert.Equal(sources.Select(s => s.Id).Order(), queued.Order());
    }

    [Fact]
    public async Task A_run_whose_lease_lapsed_changes_nothing_once_another_took_over_and_each_passage_is_stored_once()
    {
        await using var app = new TApp
        {
            Settings = new() { ["Parley:Ingestion:BatchSize"] = "1", ["Parley:Ingestion:SweepSeconds"] = "1", ["Parley:Ingestion:LeaseSeconds"] = "3" },
        };
        await app.InitializeAsync();
        var text = LargeText();
        var expected = Chunker.Chunk(HtmlAndTextExtractor.Markdown(text)).Count;
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Upload", "terms.md", Encoding.UTF8.GetBytes(text))).AssertStatus(HttpStatusCode.OK);
        var source = Assert.Single(await app.SourcesAsync(ws.TenantId));
        Task<int> Chunks() => app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().CountAsync(c => c.SourceId == source.Id));
        for (var i = 0; i < 3000 && await Chunks() < 10; i++) await Task.Delay(20);

        // The run stalls as if its process froze: its lease lapses (set in the past) and the sweep hands the source to a new run.
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Sources.IgnoreQueryFilters().Where(s => s.Id == source.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(-1))));

        var done = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 120));
        Assert.Equal(SourceStatus.Ready, done.Status);
        var indexes = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters()
            .Where(c => c.SourceId == source.Id).Select(c => c.Index).ToListAsync());
        Assert.Equal(Enumerable.Range(0, expected), indexes.Order());
        Assert.Equal(expected, done.Chunks);
        var events = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().IngestionEvents.IgnoreQueryFilters()
            .Where(e => e.SourceId == source.Id).ToListAsync());
        Assert.Single(events, e => e.Step == SourceStatus.Ready);
        Assert.DoesNotContain(events, e => e.IsError);
        Assert.False(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().IngestionErrors.IgnoreQueryFilters().AnyAsync(e => e.SourceId == source.Id)));
    }

    [Fact]
    public async Task A_long_step_keeps_its_lease_so_no_second_run_starts()
    {
        // A PDF reader that takes six seconds, with a three-second lease and a sweep every second.
        var script = Path.Combine(Path.GetTempPath(), $"slow-pdftotext-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\nsleep 6\nprintf 'Slow manual\\n\\nThe kettle boils in ninety seconds.\\f'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var app = new TApp
        {
            Settings = new() { ["Parley:Ingestion:SweepSeconds"] = "1", ["Parley:Ingestion:LeaseSeconds"] = "3", ["Parley:Extraction:PdfToTextPath"] = script },
        };
        await app.InitializeAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Upload", "manual.pdf", TestFiles.Pdf("Slow manual"))).AssertStatus(HttpStatusCode.OK);
        var done = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 60));
        Assert.Equal(SourceStatus.Ready, done.Status);
        var reads = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().IngestionEvents.IgnoreQueryFilters()
            .CountAsync(e => e.SourceId == done.Id && e.Step == SourceStatus.Extracting));
        Assert.Equal(1, reads); // one run read the file; the sweep found the lease renewed each time
        File.Delete(script);
    }
}

public sealed class IngestionConcurrencyTests_Sqlite : IngestionConcurrencyTests<SqliteApp>;

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class IngestionConcurrencyTests_Postgres : IngestionConcurrencyTests<PostgresApp>;
