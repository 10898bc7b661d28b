using System.Diagnostics;
using System.Net;

namespace Parley.Features.Knowledge.Crawling;

/// <summary>
/// How hard one crawl may press one site, adjusted by how the site answers: it starts with
/// <see cref="CrawlOptions.Concurrency"/> requests in flight and at least <see cref="CrawlOptions.DelayMilliseconds"/>
/// between two requests' starts; a 429 or 503 halves the requests in flight and doubles the gap (up to 30 s), a slow
/// answer takes one request off; a run of quick, good answers earns them back, never past the start. A robots.txt
/// Crawl-delay wins: one request at a time, that far apart, whatever the site's answers.
/// </summary>
public sealed class CrawlPace
{
    public static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(30);
    /// <summary>Quick, good answers in a row that earn back one request in flight (and halve a widened gap).</summary>
    public const int RecoverAfter = 10;

    private readonly Lock gate = new();
    private readonly int ceiling;
    private readonly TimeSpan floor, slow;
    private int inFlight, streak;
    private long nextStart = Stopwatch.GetTimestamp();

    public CrawlPace(CrawlOptions options, TimeSpan? crawlDelay)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, options.DelayMilliseconds));
        (ceiling, floor) = crawlDelay is { } d && d > TimeSpan.Zero ? (1, d > delay ? d : delay) : (Math.Max(1, options.Concurrency), delay);
        slow = TimeSpan.FromMilliseconds(options.SlowResponseMilliseconds);
        (Limit, Gap) = (ceiling, floor);
    }

    /// <summary>Requests allowed in flight now.</summary>
    public int Limit { get; private set; }
    /// <summary>The least time between two requests' starts now.</summary>
    public TimeSpan Gap { get; private set; }
    /// <summary>Times the site told us to slow down (429 or 503), for the crawl's report.</summary>
    public int Backoffs { get; private set; }

    /// <summary>Waits for a free slot and the gap since the last start; dispose the slot with what the answer was.</summary>
    public async Task<Slot> EnterAsync(CancellationToken ct)
    {
        while (true)
        {
            TimeSpan wait;
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                if (inFlight < Limit && now >= nextStart)
                {
                    inFlight++;
                    nextStart = now + (long)(Gap.TotalSeconds * Stopwatch.Frequency);
                    return new Slot(this);
                }
                wait = inFlight < Limit ? Stopwatch.GetElapsedTime(now, nextStart) : TimeSpan.FromMilliseconds(10);
            }
            await Task.Delay(wait < TimeSpan.FromMilliseconds(2) ? TimeSpan.FromMilliseconds(2) : wait, ct);
        }
    }

    /// <summary>The site asked for a pause (Retry-After): nothing starts before it ends.</summary>
    public void Pause(TimeSpan wait)
    {
        if (wait > MaxGap) wait = MaxGap;
        lock (gate) nextStart = Math.Max(nextStart, Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency));
    }

    /// <summary>Records how a request went: null status when it failed before an answer.</summary>
    public void Record(HttpStatusCode? status, TimeSpan took)
    {
        lock (gate)
        {
            if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            {
                Backoffs++;
                Limit = Math.Max(1, Limit / 2);
                var wider = Gap < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : Gap * 2;
                Gap = wider > MaxGap ? MaxGap : wider;
                streak = 0;
            }
            else if (status is null || took > slow || (int)status >= 500)
            {
                Limit = Math.Max(1, Limit - 1);
                streak = 0;
            }
            else if (++streak >= RecoverAfter)
            {
                streak = 0;
                Limit = Math.Min(ceiling, Limit + 1);
                var narrower = Gap / 2;
                Gap = narrower < floor ? floor : narrower;
            }
        }
    }

    private void Leave() { lock (gate) inFlight--; }

    public sealed class Slot(CrawlPace pace) : IDisposable
    {
        private int done;
        public void Dispose() { if (Interlocked.Exchange(ref done, 1) == 0) pace.Leave(); }
    }
}
