namespace Parley.Features.Analytics;

/// <summary>One coloured part of each bar (a Tailwind fill class) and its values, one per bar.</summary>
public sealed record ChartSeries(string Name, string Fill, string Swatch, IReadOnlyList<int> Values);

/// <summary>A bar chart drawn as SVG on the server (stacked when it has several series), labelled in HTML so text stays readable on phones.</summary>
public sealed record BarChart(string Id, string Title, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series)
{
    public int Max => Math.Max(1, Enumerable.Range(0, Labels.Count).Select(i => Series.Sum(s => s.Values[i])).DefaultIfEmpty(0).Max());
    public int Total => Series.Sum(s => s.Values.Sum());

    /// <summary>"42 minutes", "3 h 5 min": a duration the way a person says it.</summary>
    public static string Duration(TimeSpan? t) => t switch
    {
        null => "—",
        { TotalSeconds: < 60 } d => $"{(int)d.TotalSeconds} s",
        { TotalMinutes: < 60 } d => $"{(int)d.TotalMinutes} min{(d.Seconds > 0 && d.TotalMinutes < 10 ? $" {d.Seconds} s" : "")}",
        { TotalHours: < 24 } d => $"{(int)d.TotalHours} h{(d.Minutes > 0 ? $" {d.Minutes} min" : "")}",
        var d => $"{(int)d.Value.TotalDays} d{(d.Value.Hours > 0 ? $" {d.Value.Hours} h" : "")}",
    };
}
