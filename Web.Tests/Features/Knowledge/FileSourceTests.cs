using System.Text;
using System.Text.RegularExpressions;
using Parley.Features.Knowledge.Sources;
using Parley.Infrastructure.Storage;

namespace Parley.Tests.Features.Knowledge;

/// <summary>Files from upload to passages: real PDF, Word, PowerPoint and Excel files made here; bad files fail alone; plan limits; exclude; cleanup.</summary>
public abstract class FileSourceTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private static string Page(string bot) => $"/bots/{bot}/knowledge";
    private static string Upload(string bot) => $"/bots/{bot}/knowledge?handler=Upload";

    private Task<List<Parley.Features.Knowledge.Search.Chunk>> ChunksAsync(Guid sourceId) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Chunks.IgnoreQueryFilters().Where(c => c.SourceId == sourceId).OrderBy(c => c.Index).ToListAsync());

    [Fact]
    public async Task Pdf_word_powerpoint_and_excel_files_are_trained_with_pages_and_headings()
    {
        var ws = await app.SignUpAsync();
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Sources, 50);
        var bot = await ws.Tenant.CreateBotAsync();
        var pdf = TestFiles.Pdf("Kettle manual. Fill to the line.", "Warranty: every kettle is covered for two years from purchase.", "Descaling: use citric acid monthly.");
        var docx = TestFiles.Docx(("Heading1", "Shipping"), (null, "Orders leave the warehouse within two working days."), ("Heading2", "Abroad"), (null, "We deliver to forty countries."));
        var pptx = TestFiles.Pptx(("Welcome", "Our story in three slides."), ("Pricing", "The Gold plan costs seventy-nine dollars a month."));
        var xlsx = TestFiles.Xlsx("Stores", ["City", "Opening hours"], ["Lisbon", "9 to 18"], ["Porto", "10 to 19"]);
        foreach (var (name, bytes) in new[] { ("manual.pdf", pdf), ("shipping.docx", docx), ("pricing.pptx", pptx), ("stores.xlsx", xlsx), ("faq.md", Encoding.UTF8.GetBytes("# Returns\nRefunds take five days.")) })
        {
            var response = await ws.Tenant.UploadAsync(Page(bot), Upload(bot), name, bytes);
            response.AssertStatus(HttpStatusCode.OK);
        }
        var sources = await app.WaitForSourcesAsync(ws.TenantId);
        Assert.All(sources, s => Assert.Equal(SourceStatus.Ready, s.Status));

        var manual = sources.Single(s => s.FileName == "manual.pdf");
        Assert.Equal(("Pdf", 3, "manual"), (manual.FileType, manual.Pages, manual.Title));
        Assert.Matches($"^tenants/{ws.TenantId:N}/bots/[0-9a-f]{{32}}/sources/{manual.Id:N}$", manual.BlobPath);
        var warranty = (await ChunksAsync(manual.Id)).Single(c => c.Text.Contains("Warranty"));
        Assert.Equal(2, warranty.Page);

        var shipping = await ChunksAsync(sources.Single(s => s.FileName == "shipping.docx").Id);
        Assert.Contains(shipping, c => c.Headings == "Shipping › Abroad" && c.Text.Contains("forty countries"));
        var pricing = await ChunksAsync(sources.Single(s => s.FileName == "pricing.pptx").Id);
        Assert.Contains(pricing, c => c.Page == 2 && c.Headings == "Pricing" && c.Text.Contains("seventy-nine dollars"));
        var stores = await ChunksAsync(sources.Single(s => s.FileName == "stores.xlsx").Id);
        Assert.Contains(stores, c => c.Text.Contains("Porto") && c.Text.Contains("Opening hours"));

        var results = await (await ws.Tenant.GetHtmxAsync($"{Page(bot)}?handler=Search&q=how+long+is+the+kettle+warranty")).TextAsync();
        Assert.Matches(new Regex("data-rank=\"1\">.*?manual · page 2.*?Warranty", RegexOptions.Singleline), results);

        var detail = await (await ws.Tenant.GetHtmxAsync($"{Page(bot)}?handler=Detail&sourceId={manual.Id}")).TextAsync();
        Assert.Contains("Reading manual.pdf", detail);
        Assert.Contains("Ready: ", detail);
    }

    [Fact]
    public async Task Bad_files_fail_alone_with_a_readable_reason()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        async Task<string> Refused(string name, byte[] bytes)
        {
            var response = await ws.Tenant.UploadAsync(Page(bot), Upload(bot), name, bytes);
            response.AssertStatus(HttpStatusCode.UnprocessableEntity);
            return await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("named .docx but its content is a PDF", await Refused("report.docx", TestFiles.Pdf("Hello")));
        Assert.Contains("is empty", await Refused("empty.txt", []));
        Assert.Contains("zip bomb", (await Refused("huge.docx", TestFiles.ZipBomb(400))).ToLowerInvariant());
        Assert.Contains("not a supported document", await Refused("photo.pdf", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]));

        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "broken.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ngarbage without xref\n"))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "locked.pdf", TestFiles.EncryptedPdf("s3cret", "Salaries"))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "hours.txt", Encoding.UTF8.GetBytes("We open at nine and close at six."))).AssertStatus(HttpStatusCode.OK);
        var sources = await app.WaitForSourcesAsync(ws.TenantId);
        Assert.Equal(3, sources.Count); // refused files leave nothing behind
        Assert.Equal("This PDF is password-protected. Upload a copy without a password.", sources.Single(s => s.FileName == "locked.pdf").Error);
        var broken = sources.Single(s => s.FileName == "broken.pdf");
        Assert.Equal(SourceStatus.Failed, broken.Status);
        Assert.Matches("(damaged|no text)", broken.Error);
        Assert.Equal(SourceStatus.Ready, sources.Single(s => s.FileName == "hours.txt").Status);

        var list = await (await ws.Tenant.GetHtmxAsync($"{Page(bot)}?handler=Sources")).TextAsync();
        Assert.Contains(broken.Error!, list);
        Assert.Contains(">Retry<", list);
        var errors = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().IngestionErrors.IgnoreQueryFilters().Where(e => e.SourceId == broken.Id).ToListAsync());
        Assert.Equal(SourceStatus.Extracting, Assert.Single(errors).Step);

        var retried = await ws.Tenant.PostFormAsync(Page(bot), $"{Page(bot)}?handler=Retry&sourceId={broken.Id}", []);
        Assert.Contains("queued again", await retried.TextAsync());
        sources = await app.WaitForSourcesAsync(ws.TenantId);
        Assert.Equal(SourceStatus.Failed, sources.Single(s => s.Id == broken.Id).Status); // still broken, still alone
        var answers = await (await ws.Tenant.GetHtmxAsync($"{Page(bot)}?handler=Search&q=when+do+you+open")).TextAsync();
        Assert.Contains("We open at nine", answers);
    }

    [Fact]
    public async Task Plan_limits_on_file_size_and_pages_are_explained()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.FileSizeMb, 1);
        var big = await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "big.txt", Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Repeat("A line of text about kettles.", 60_000))));
        big.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("your plan accepts files up to 1 MB", await big.Content.ReadAsStringAsync());

        await app.SetLimitAsync(ws.TenantId, s => s.Limits.Pages, 2);
        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "three.pdf", TestFiles.Pdf("One.", "Two.", "Three."))).AssertStatus(HttpStatusCode.OK);
        var failed = Assert.Single(await app.WaitForSourcesAsync(ws.TenantId));
        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Contains("needs 3 pages but your plan has 2 of its 2 pages left", failed.Error);
        Assert.Contains("0 of 2 pages used", await (await ws.Tenant.GetHtmxAsync($"{Page(bot)}?handler=Sources")).TextAsync());
    }

    [Fact]
    public async Task Excluded_source_leaves_the_answers_and_returns_when_included()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "hours.txt", Encoding.UTF8.GetBytes("The shop opens at nine on Saturdays."))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "pets.txt", Encoding.UTF8.GetBytes("Dogs are welcome in the shop."))).AssertStatus(HttpStatusCode.OK);
        var sources = await app.WaitForSourcesAsync(ws.TenantId);
        var hours = sources.Single(s => s.FileName == "hours.txt");
        var search = $"{Page(bot)}?handler=Search&q=saturday+opening";

        var excluded = await ws.Tenant.PostFormAsync(Page(bot), $"{Page(bot)}?handler=Exclude&sourceId={hours.Id}&excluded=true", []);
        Assert.Contains("excluded from training", await excluded.TextAsync());
        Assert.DoesNotContain("opens at nine", await (await ws.Tenant.GetHtmxAsync(search)).TextAsync());
        Assert.Empty(await ChunksAsync(hours.Id));
        Assert.NotEmpty(await ChunksAsync(sources.Single(s => s.FileName == "pets.txt").Id)); // the other source is untouched

        await ws.Tenant.PostFormAsync(Page(bot), $"{Page(bot)}?handler=Exclude&sourceId={hours.Id}&excluded=false", []);
        await app.WaitForSourcesAsync(ws.TenantId);
        Assert.Contains("opens at nine", await (await ws.Tenant.GetHtmxAsync(search)).TextAsync());
    }

    [Fact]
    public async Task Deleting_a_source_or_the_bot_removes_uploaded_files_from_storage()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("Doomed");
        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "a.txt", Encoding.UTF8.GetBytes("Alpha text."))).AssertStatus(HttpStatusCode.OK);
        (await ws.Tenant.UploadAsync(Page(bot), Upload(bot), "b.txt", Encoding.UTF8.GetBytes("Beta text."))).AssertStatus(HttpStatusCode.OK);
        var sources = await app.WaitForSourcesAsync(ws.TenantId);
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        Assert.All(sources, s => Assert.True(blobs.ExistsAsync(s.BlobPath!, default).Result));

        // Files go right after the deletion commits, from a background job.
        async Task<bool> GoneAsync(string path)
        {
            for (var i = 0; i < 200 && await blobs.ExistsAsync(path, default); i++) await Task.Delay(50);
            return !await blobs.ExistsAsync(path, default);
        }
        await ws.Tenant.PostFormAsync(Page(bot), $"{Page(bot)}?handler=Delete&sourceId={sources[0].Id}", []);
        Assert.True(await GoneAsync(sources[0].BlobPath!));
        Assert.True(await blobs.ExistsAsync(sources[1].BlobPath!, default));

        (await ws.Tenant.PostFormAsync($"/bots/{bot}", $"/bots/{bot}?handler=Delete", Http.Form(("confirmation", "Doomed")))).AssertStatus(HttpStatusCode.NoContent); // HX-Redirect
        Assert.Empty(await app.SourcesAsync(ws.TenantId));
        Assert.True(await GoneAsync(sources[1].BlobPath!));
    }

    [Fact]
    public async Task Sources_of_another_workspace_cannot_be_uploaded_to_read_or_changed()
    {
        var a = await app.SignUpAsync();
        var b = await app.SignUpAsync();
        var botA = await a.Tenant.CreateBotAsync();
        var botB = await b.Tenant.CreateBotAsync();
        (await a.Tenant.UploadAsync(Page(botA), Upload(botA), "secret.txt", Encoding.UTF8.GetBytes("The vault code is 4711."))).AssertStatus(HttpStatusCode.OK);
        var secret = Assert.Single(await app.WaitForSourcesAsync(a.TenantId));

        // B on A's bot: the bot does not exist for B.
        (await b.Tenant.UploadAsync(Page(botB), Upload(botA), "x.txt", Encoding.UTF8.GetBytes("injected"))).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.GetHtmxAsync($"{Page(botA)}?handler=Detail&sourceId={secret.Id}")).AssertStatus(HttpStatusCode.NotFound);
        foreach (var handler in new[] { "Retry", "Exclude&excluded=true", "Delete" })
            (await b.Tenant.PostFormAsync(Page(botB), $"{Page(botA)}?handler={handler}&sourceId={secret.Id}", [])).AssertStatus(HttpStatusCode.NotFound);
        (await b.Tenant.PostFormAsync(Page(botB), $"{Page(botA)}?handler=Website", Http.Form(("url", "https://example.com"), ("depth", "1"), ("pages", "5")))).AssertStatus(HttpStatusCode.NotFound);

        // B on its own bot with A's source id: no such source here.
        foreach (var handler in new[] { "Retry", "Exclude&excluded=true", "Delete" })
            Assert.Contains("no longer exists", await (await b.Tenant.PostFormAsync(Page(botB), $"{Page(botB)}?handler={handler}&sourceId={secret.Id}", [])).TextAsync());
        (await b.Tenant.GetHtmxAsync($"{Page(botB)}?handler=Detail&sourceId={secret.Id}")).AssertStatus(HttpStatusCode.NotFound);

        var after = Assert.Single(await app.SourcesAsync(a.TenantId));
        Assert.Equal((SourceStatus.Ready, false), (after.Status, after.Excluded));
        Assert.Empty(await app.SourcesAsync(b.TenantId));
        Assert.DoesNotContain("4711", await (await b.Tenant.GetHtmxAsync($"{Page(botB)}?handler=Search&q=vault+code")).TextAsync());
    }
}

public sealed class FileSourceTests_Sqlite(SqliteApp app) : FileSourceTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class FileSourceTests_Postgres(PostgresApp app) : FileSourceTests<PostgresApp>(app);
