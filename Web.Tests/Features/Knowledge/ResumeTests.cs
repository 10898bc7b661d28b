using System.Text;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Knowledge;

/// <summary>A host stopped in the middle of a large source: the next start finishes it, every passage stored exactly once.</summary>
public abstract class ResumeTests<TApp> where TApp : ParleyApp, new()
{
    /// <summary>Several hundred passages of distinct text, so a run committing one passage at a time takes a few seconds.</summary>
    private static string LargeText() => string.Join("\n\n", Enumerable.Range(1, 5000).Select(i =>
        $"## Article {i}\nClause {i} says the item number {i * 7919 % 10007} ships from depot {i % 37} within {i % 9 + 1} days, " +
        $"insured up to {i * 13 % 997} euros, and returns are handled by desk {i % 23} with reference code R{i:D5}."));

    private static Task<List<(int Index, long Id)>> ChunksAsync(ParleyApp app, Guid sourceId) =>
        app.ScopedAsync(async sp => (await sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().Where(c => c.SourceId == sourceId)
            .Select(c => new { c.Index, c.Id }).ToListAsync()).Select(c => (c.Index, c.Id)).ToList());

    [Fact]
    public async Task Source_stopped_mid_run_resumes_after_restart_with_each_passage_once()
    {
        var settings = new Dictionary<string, string> { ["Parley:Ingestion:BatchSize"] = "1", ["Parley:Jobs:RunServer"] = "false" };
        // The owner holds the database for the test and runs no jobs, so only the instances below ingest.
        await using var owner = new TApp { Settings = settings };
        await owner.InitializeAsync();

        var text = LargeText();
        var expected = Chunker.Chunk(HtmlAndTextExtractor.Markdown(text)).Count;
        var first = owner.Twin();
        first.Settings["Parley:Jobs:RunServer"] = "true";
        await first.InitializeAsync();
        var ws = await first.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        (await ws.Tenant.UploadAsync(page, $"{page}?handler=Upload", "terms.md", Encoding.UTF8.GetBytes(text))).AssertStatus(HttpStatusCode.OK);
        var source = Assert.Single(await first.SourcesAsync(ws.TenantId));
        for (var i = 0; i < 3000 && (await ChunksAsync(first, source.Id)).Count < 20; i++) await Task.Delay(20);
        await first.DisposeAsync(); // stops the host: the run is interrupted between two batches

        var stopped = Assert.Single(await owner.SourcesAsync(ws.TenantId));
        var partial = await ChunksAsync(owner, source.Id);
        Assert.True(stopped.Status == SourceStatus.Embedding && partial.Count > 0 && partial.Count < expected,
            $"The stop should land mid-run: status {stopped.Status}, {partial.Count} of {expected} passages.");
        Assert.Null(stopped.LeaseUntil); // handed back at once, not left to lapse

        await using var second = owner.Twin();
        second.Settings["Parley:Jobs:RunServer"] = "true";
        await second.InitializeAsync();
        var done = Assert.Single(await second.WaitForSourcesAsync(ws.TenantId, seconds: 90));
        Assert.Equal(SourceStatus.Ready, done.Status);
        var chunks = await ChunksAsync(second, source.Id);
        Assert.Equal(expected, chunks.Count);
        Assert.Equal(Enumerable.Range(0, expected), chunks.Select(c => c.Index).Order());
        Assert.Equal(expected, done.Chunks);
        var kept = partial.Select(p => p.Id).ToHashSet();
        Assert.True(chunks.Count(c => kept.Contains(c.Id)) >= partial.Count - 1, "Passages committed before the stop were redone instead of kept.");
    }

    [Fact]
    public async Task Run_that_died_holding_its_lease_is_picked_up_when_the_lease_lapses()
    {
        await using var app = new TApp { Settings = new() { ["Parley:Ingestion:SweepSeconds"] = "1" } };
        await app.InitializeAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Hours"), ("content", "We open at nine.")));
        var source = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId));

        // What a crash leaves: a source mid-step, its lease still set by a process that is gone.
        await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Sources.IgnoreQueryFilters().Where(s => s.Id == source.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SourceStatus.Embedding).SetProperty(s => s.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(3))));
        await Task.Delay(1500);
        Assert.Equal(SourceStatus.Embedding, Assert.Single(await app.SourcesAsync(ws.TenantId)).Status); // held: nobody else touches it
        var done = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId, seconds: 20));
        Assert.Equal((SourceStatus.Ready, 1), (done.Status, done.Chunks));
    }
}

public sealed class ResumeTests_Sqlite : ResumeTests<SqliteApp>;

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class ResumeTests_Postgres : ResumeTests<PostgresApp>;
