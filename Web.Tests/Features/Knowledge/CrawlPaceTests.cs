using System.Net;
using Parley.Features.Knowledge.Crawling;

namespace Parley.Tests.Features.Knowledge;

/// <summary>The crawl's adaptive politeness, decided from the site's answers (no clocks asserted).</summary>
public sealed class CrawlPaceTests
{
    private static CrawlPace Pace(TimeSpan? crawlDelay = null) =>
        new(new CrawlOptions { Concurrency = 4, DelayMilliseconds = 50, SlowResponseMilliseconds = 3_000 }, crawlDelay);

    [Fact]
    public void Starts_at_four_in_flight_and_backs_off_when_the_site_says_it_is_busy()
    {
        var pace = Pace();
        Assert.Equal((4, TimeSpan.FromMilliseconds(50)), (pace.Limit, pace.Gap));
        pace.Record(HttpStatusCode.TooManyRequests, TimeSpan.FromMilliseconds(20));
        Assert.Equal((2, TimeSpan.FromSeconds(1)), (pace.Limit, pace.Gap));
        pace.Record(HttpStatusCode.ServiceUnavailable, TimeSpan.FromMilliseconds(20));
        Assert.Equal((1, TimeSpan.FromSeconds(2)), (pace.Limit, pace.Gap));
        for (var i = 0; i < 10; i++) pace.Record(HttpStatusCode.TooManyRequests, TimeSpan.Zero);
        Assert.Equal((1, CrawlPace.MaxGap), (pace.Limit, pace.Gap));
        Assert.Equal(12, pace.Backoffs);
    }

    [Fact]
    public void Slow_answers_and_failures_take_one_request_off_and_good_runs_earn_it_back_up_to_the_start()
    {
        var pace = Pace();
        pace.Record(HttpStatusCode.OK, TimeSpan.FromSeconds(4));
        pace.Record(null, TimeSpan.FromMilliseconds(5));
        pace.Record(HttpStatusCode.BadGateway, TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, pace.Limit);
        for (var i = 0; i < CrawlPace.RecoverAfter - 1; i++) pace.Record(HttpStatusCode.OK, TimeSpan.FromMilliseconds(30));
        Assert.Equal(1, pace.Limit);
        pace.Record(HttpStatusCode.NotFound, TimeSpan.FromMilliseconds(30)); // a 404 is a good answer from a healthy site
        Assert.Equal(2, pace.Limit);
        for (var i = 0; i < CrawlPace.RecoverAfter * 5; i++) pace.Record(HttpStatusCode.OK, TimeSpan.FromMilliseconds(30));
        Assert.Equal((4, TimeSpan.FromMilliseconds(50)), (pace.Limit, pace.Gap));
    }

    [Fact]
    public void A_robots_crawl_delay_wins_one_request_at_a_time_that_far_apart()
    {
        var pace = Pace(TimeSpan.FromSeconds(3));
        Assert.Equal((1, TimeSpan.FromSeconds(3)), (pace.Limit, pace.Gap));
        for (var i = 0; i < CrawlPace.RecoverAfter * 3; i++) pace.Record(HttpStatusCode.OK, TimeSpan.FromMilliseconds(30));
        Assert.Equal((1, TimeSpan.FromSeconds(3)), (pace.Limit, pace.Gap));
    }

    [Fact]
    public async Task Never_lets_more_than_the_limit_in_flight()
    {
        var pace = Pace();
        var slots = new List<CrawlPace.Slot>();
        for (var i = 0; i < 4; i++) slots.Add(await pace.EnterAsync(default));
        var fifth = pace.EnterAsync(default);
        await Task.Delay(200);
        Assert.False(fifth.IsCompleted);
        slots[0].Dispose();
        (await fifth).Dispose();
    }
}
