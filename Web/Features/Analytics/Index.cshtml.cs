using System.Globalization;
using Parley.Features.Bots;

namespace Parley.Features.Analytics;

/// <summary>Analytics for the workspace or one bot over a range of days (UTC), with a CSV of the days.</summary>
[TenantHost, Authorize(Policy = Policies.Manager)]
public class IndexModel(BotAccess access, AnalyticsReport report, TimeProvider clock) : PageModel
{
    public List<Chatbot> Bots { get; private set; } = [];
    /// <summary>The chosen bot's public id, or null for every bot the member sees.</summary>
    public string? Bot { get; private set; }
    public Chatbot? Chosen => Bots.FirstOrDefault(b => b.PublicId == Bot);
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public DateOnly Today { get; private set; }
    public string? Problem { get; private set; }
    public AnalyticsFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync(string? bot, string? from, string? to, int? days, CancellationToken ct)
    {
        await ChooseAsync(bot, from, to, days, ct);
        Figures = await report.ReadAsync(From, To, BotIds(), ct);
    }

    /// <summary>One line per bot and day with activity: every figure the page shows, for a spreadsheet.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? bot, string? from, string? to, int? days, CancellationToken ct)
    {
        await ChooseAsync(bot, from, to, days, ct);
        var names = Bots.ToDictionary(b => b.Id, b => b.Name);
        var csv = new CsvText().Line(["Date", "Chatbot", "Conversations", "Visitor messages", "Answers", "Answers without a source", "Replies by people",
            "Thumbs up", "Thumbs down", "Ratings", "Average rating", "Leads", "Escalations", "First responses", "Average first response (s)", "Resolved",
            "Average resolution (s)"]);
        foreach (var d in await report.DaysAsync(From, To, BotIds(), ct))
            csv.Line([d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), names.GetValueOrDefault(d.ChatbotId, ""), N(d.Conversations), N(d.VisitorMessages),
                N(d.Answers), N(d.Unanswered), N(d.AgentReplies), N(d.ThumbsUp), N(d.ThumbsDown), N(d.Ratings),
                d.Ratings == 0 ? "" : (d.RatingSum / (double)d.Ratings).ToString("0.00", CultureInfo.InvariantCulture), N(d.Leads), N(d.Escalations),
                N(d.FirstResponses), d.FirstResponses == 0 ? "" : N((int)(d.FirstResponseSeconds / d.FirstResponses)), N(d.Resolved),
                d.Resolved == 0 ? "" : N((int)(d.ResolutionSeconds / d.Resolved))]);
        return csv.File($"analytics-{(Chosen?.Name is { } n ? Slug(n) + "-" : "")}{From:yyyy-MM-dd}-to-{To:yyyy-MM-dd}.csv");
    }

    /// <summary>The query string for the same view with other values (links between presets, the CSV, the bot's tab).</summary>
    public string Query(string? bot = "", DateOnly? from = null, DateOnly? to = null) =>
        $"bot={Uri.EscapeDataString(bot == "" ? Bot ?? "" : bot ?? "")}&from={from ?? From:yyyy-MM-dd}&to={to ?? To:yyyy-MM-dd}";

    private async Task ChooseAsync(string? bot, string? from, string? to, int? days, CancellationToken ct)
    {
        Bots = await access.Visible().AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct);
        Bot = Bots.Any(b => b.PublicId == bot) ? bot : null;
        if (!string.IsNullOrEmpty(bot) && Bot is null) Problem = "That chatbot is not one you can see; showing all of yours.";
        Today = DayCounter.Today(clock);
        (From, To) = (Today.AddDays(1 - Math.Clamp(days ?? 30, 1, AnalyticsReport.MaxDays)), Today);
        var hasFrom = DateOnly.TryParseExact(from ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f);
        var hasTo = DateOnly.TryParseExact(to ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t);
        if ((!string.IsNullOrEmpty(from) && !hasFrom) || (!string.IsNullOrEmpty(to) && !hasTo)) { Problem = "Dates are written like 2026-11-30; showing the last 30 days."; return; }
        if (!hasFrom && !hasTo) return;
        if (!hasTo) t = Today;
        if (!hasFrom) f = t.AddDays(-29);
        if (t > Today) t = Today;
        if (f > t) { Problem = "The first day comes after the last one; showing the last 30 days."; return; }
        if (t.DayNumber - f.DayNumber + 1 > AnalyticsReport.MaxDays) { Problem = $"A report covers at most {AnalyticsReport.MaxDays} days; showing the {AnalyticsReport.MaxDays} up to {t:d MMM yyyy}."; f = t.AddDays(1 - AnalyticsReport.MaxDays); }
        (From, To) = (f, t);
    }

    private List<Guid> BotIds() => Chosen is { } one ? [one.Id] : Bots.Select(b => b.Id).ToList();
    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
    private static string Slug(string name) => new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
}
