using Microsoft.Extensions.AI;
using Parley.Features.Knowledge.Chunking;
using Parley.Features.Knowledge.Crawling;
using Parley.Features.Knowledge.Extraction;
using Parley.Features.Knowledge.Search;

namespace Parley.Features.Knowledge.Sources;

public sealed partial class IngestionJob
{
    /// <summary>A website or sitemap: pages crawled, changed pages stored again, pages gone from the site dropped.</summary>
    private sealed partial class Run
    {
        private async Task<(int Pages, string? Note)> CrawlAsync(bool fresh, Action<SourceStatus> at, CancellationToken ct)
        {
            var (limit, left) = await PageBudgetAsync(ct);
            if (left == 0) throw new ExtractionException($"Your plan's limit of {limit:N0} pages is used up. Upgrade your plan or remove sources you no longer need.");
            var maxPages = Math.Min(source.MaxPages, left);
            await StepAsync(SourceStatus.Fetching, fresh
                ? $"{(source.Kind == SourceKind.Sitemap ? "Reading the sitemap" : "Crawling")} {source.Url} (up to {Plural(maxPages, "page")}{(source.Kind == SourceKind.Website ? $", {Plural(source.MaxDepth, "link")} deep" : "")})."
                : "Resuming where the last run stopped.", at, ct);
            var crawler = services.GetRequiredService<WebsiteCrawler>();
            var request = new CrawlRequest(new Uri(source.Url!), source.Kind == SourceKind.Sitemap, source.MaxDepth, maxPages,
                CrawlRequest.Patterns(source.IncludePaths), CrawlRequest.Patterns(source.ExcludePaths));
            int indexed = 0, changed = 0, leftOut = 0, retried = 0;
            var limitReached = false;
            string? firstProblem = null;
            await foreach (var outcome in crawler.CrawlAsync(request, ct))
            {
                var page = await db.SourcePages.FirstOrDefaultAsync(p => p.SourceId == source.Id && p.Url == outcome.Url, ct);
                if (page is null) db.SourcePages.Add(page = new SourcePage { SourceId = source.Id, Url = outcome.Url });
                page.FetchedAt = Now;
                if (outcome.Retries > 0) retried++;
                if (outcome is PageFound found)
                {
                    if (!(await ReservePagesAsync(indexed + 1, ct)).Fits)
                    {
                        // Another source took the rest of the plan's pages meanwhile: stop here, keeping what is indexed.
                        if (page.Id == 0) db.Entry(page).State = EntityState.Detached;
                        limitReached = true;
                        break;
                    }
                    indexed++;
                    var hash = Hash(found.Document);
                    if (page.Status != PageStatus.Indexed || page.ContentHash != hash || page.Id == 0)
                    {
                        var drafts = Chunker.Chunk(found.Document);
                        var (chunks, tokens) = await StoreAsync(found.Url, drafts, ct);
                        (page.Chunks, page.Tokens, page.ContentHash) = (chunks, tokens, hash);
                        changed++;
                    }
                    (page.Status, page.Reason, page.Title) = (PageStatus.Indexed, null, found.Title);
                }
                else if (outcome is PageLeftOut skipped)
                {
                    leftOut++;
                    firstProblem ??= skipped.Reason;
                    (page.Status, page.Reason, page.Chunks, page.Tokens, page.ContentHash) = (skipped.Status, skipped.Reason, 0, 0, null);
                }
                source.Pages = indexed; // progress shown while the crawl runs
                var leftOutUrl = outcome is PageLeftOut ? outcome.Url : null;
                await lease.SaveAsync(async token =>
                {
                    if (leftOutUrl is not null && await db.Chunks.Where(c => c.SourceId == source.Id && c.Url == leftOutUrl).ExecuteDeleteAsync(token) > 0)
                        await db.TouchKnowledgeAsync(source.ChatbotId, token);
                }, ct);
            }
            // Pages the site no longer has (not seen in this run) leave the bot.
            var since = source.RunStartedAt!.Value;
            var gone = await db.SourcePages.Where(p => p.SourceId == source.Id && p.FetchedAt < since).Select(p => p.Url).ToListAsync(ct);
            if (gone.Count > 0)
                await lease.SaveAsync(async token =>
                {
                    await db.Chunks.Where(c => c.SourceId == source.Id && gone.Contains(c.Url!)).ExecuteDeleteAsync(token);
                    await db.SourcePages.Where(p => p.SourceId == source.Id && p.FetchedAt < since).ExecuteDeleteAsync(token);
                    await db.TouchKnowledgeAsync(source.ChatbotId, token);
                }, ct);
            if (indexed == 0)
                throw new ExtractionException(firstProblem is null ? "No pages with text were found." : $"No page could be indexed. {firstProblem}");
            var note = $"{Plural(indexed, "page")} indexed ({changed} new or changed, {indexed - changed} unchanged){(leftOut > 0 ? $", {leftOut} left out (see the page report)" : "")}{(gone.Count > 0 ? $", {gone.Count} removed" : "")}{(retried > 0 ? $"; {Plural(retried, "page")} needed another try after a network error or a busy site" : "")}.";
            if (limitReached || (indexed >= left && left < source.MaxPages)) note += $" Stopped at your plan's page limit ({limit:N0}).";
            return (indexed, note);
        }
    }
}
