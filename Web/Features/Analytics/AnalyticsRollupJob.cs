using Hangfire;
using Parley.Infrastructure.Jobs;

namespace Parley.Features.Analytics;

/// <summary>
/// Stores each workspace's finished days as <see cref="BotDay"/> rows, so the analytics page reads a year as cheaply as a
/// week. Every run recounts the last <see cref="Recount"/> days too (a thumbs down or rating can come a little late) and
/// the first run of a workspace counts its whole history, a week at a time.
/// </summary>
public sealed class AnalyticsRollupJob(TenantScopes tenants, TimeProvider clock)
{
    public const string Id = "analytics.rollup";
    public const int Recount = 3;

    [DisableConcurrentExecution(timeoutInSeconds: 60), JobDisplayName("Analytics: roll up finished days")]
    public async Task RunAsync(CancellationToken ct) => await tenants.ForEachAsync(Id, (sp, token) => RollUpAsync(sp, token), ct);

    public async Task RollUpAsync(IServiceProvider sp, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var counter = sp.GetRequiredService<DayCounter>();
        var yesterday = DayCounter.Today(clock).AddDays(-1);
        var state = await db.AnalyticsStates.FirstOrDefaultAsync(ct);
        DateOnly from;
        if (state is not null) from = state.RolledUpThrough.AddDays(1 - Recount);
        else
        {
            var first = await db.Conversations.OrderBy(c => c.CreatedAt).Select(c => (DateTimeOffset?)c.CreatedAt).FirstOrDefaultAsync(ct);
            from = first is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : yesterday;
        }
        for (var weekStart = from; weekStart <= yesterday; weekStart = weekStart.AddDays(7))
        {
            var weekEnd = weekStart.AddDays(6) < yesterday ? weekStart.AddDays(6) : yesterday;
            var counted = (await counter.CountAsync(weekStart, weekEnd, null, ct)).Where(d => !d.IsEmpty).ToList();
            await db.SaveAtomicallyAsync(async token =>
            {
                var (a, b) = (weekStart, weekEnd);
                await db.BotDays.Where(d => d.Day >= a && d.Day <= b).ExecuteDeleteAsync(token);
                db.BotDays.AddRange(counted);
                state ??= db.AnalyticsStates.Add(new AnalyticsState()).Entity;
                state.RolledUpThrough = weekEnd;
                state.UpdatedAt = clock.GetUtcNow();
            }, ct);
        }
    }
}

public static class AnalyticsSetup
{
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<DayCounter>();
        builder.Services.AddScoped<AnalyticsReport>();
        // Hourly, so a missed run costs an hour, not a day; each run recounts only the last few days.
        builder.Services.AddRecurringJob<AnalyticsRollupJob>(AnalyticsRollupJob.Id, j => j.RunAsync(CancellationToken.None), _ => "7 * * * *");
        return builder;
    }
}
