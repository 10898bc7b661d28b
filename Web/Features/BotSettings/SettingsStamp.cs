namespace Parley.Features.BotSettings;

/// <summary>
/// Two people on one settings screen cannot silently undo each other's changes: the form sends back the UpdatedAt it
/// showed, and the row's UPDATE matches only that value (UpdatedAt is a concurrency token), so a save over a newer save
/// fails with <see cref="DbUpdateConcurrencyException"/> and <see cref="BotSettingsPage"/> says so. Stamps are whole
/// milliseconds, so they survive the round trip through either database and the form.
/// </summary>
public static class SettingsStamp
{
    public static void Stamp(AppDbContext db, object row, DateTimeOffset shown, DateTimeOffset now)
    {
        var entry = db.Entry(row);
        var stamp = entry.Property("UpdatedAt");
        if (entry.State != EntityState.Added && shown != default) stamp.OriginalValue = shown;
        stamp.CurrentValue = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }
}
