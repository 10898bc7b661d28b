using Microsoft.Extensions.Options;
using MimeKit;

namespace Parley.Infrastructure.Email;

/// <summary>
/// Delivers the outbox on every instance: every couple of seconds (or at once when this instance queued a mail) it
/// claims due mails with a conditional write, so two instances never send the same mail, hands them to the transport,
/// and marks each sent, or schedules a retry with backoff and keeps the error. A mail that fails every attempt stays
/// in the outbox, marked failed, with its last error.
/// </summary>
public sealed class MailDispatcher(IServiceScopeFactory scopes, IMailTransport transport, MailDispatchSignal signal, IOptions<MailOptions> options,
    TimeProvider clock, ILogger<MailDispatcher> log) : BackgroundService
{
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stopping) > 0) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Mail dispatch failed; the outbox is tried again shortly");
            }
            try { await signal.WaitAsync(TimeSpan.FromSeconds(options.Value.OutboxPollSeconds), stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Delivers up to one batch of due mail; returns how many it claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var due = await db.OutboxMails.AsNoTracking()
            .Where(m => m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(20).ToListAsync(ct);
        var claimed = new List<OutboxMail>();
        foreach (var id in due)
        {
            var until = now + Claim;
            var won = await db.OutboxMails.Where(m => m.Id == id && m.SentAt == null && (m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, until).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            if (won == 1) claimed.Add(await db.OutboxMails.AsNoTracking().SingleAsync(m => m.Id == id, ct));
        }
        if (claimed.Count == 0) return 0;

        var messages = new List<MimeMessage>();
        var ready = new List<OutboxMail>();
        foreach (var mail in claimed)
        {
            try
            {
                messages.Add(Mime.From(mail, options.Value));
                ready.Add(mail);
            }
            catch (Exception e) when (e is ParseException or ArgumentException or FormatException)
            {
                await FailedAsync(db, mail, e, final: true, ct); // an address no server will take: retrying changes nothing
            }
        }
        try
        {
            await transport.DeliverAsync(messages, async (i, failure) =>
            {
                if (failure is null)
                    await db.OutboxMails.Where(m => m.Id == ready[i].Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, clock.GetUtcNow()).SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
                else await FailedAsync(db, ready[i], failure, final: false, CancellationToken.None);
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The server could not be reached (or dropped us): every mail not yet marked sent is retried later.
            log.LogWarning("Mail server unavailable: {Message}", e.Message);
            var ids = ready.Select(m => m.Id).ToList();
            var pending = await db.OutboxMails.AsNoTracking().Where(m => ids.Contains(m.Id) && m.SentAt == null).ToListAsync(CancellationToken.None);
            foreach (var mail in pending) await FailedAsync(db, mail, e, final: false, CancellationToken.None);
        }
        return claimed.Count;
    }

    private async Task FailedAsync(AppDbContext db, OutboxMail mail, Exception e, bool final, CancellationToken ct)
    {
        var backoff = options.Value.OutboxBackoff;
        var last = final || mail.Attempts >= backoff.Count + 1;
        var error = $"{e.GetType().Name}: {e.Message}";
        if (error.Length > 1000) error = error[..1000];
        var now = clock.GetUtcNow();
        var next = now.AddSeconds(backoff[Math.Min(mail.Attempts - 1, backoff.Count - 1)]);
        await db.OutboxMails.Where(m => m.Id == mail.Id).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.LastError, error)
            .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.FailedAt, last ? now : null), ct);
        if (last) log.LogError("Gave up on mail {Id} to {To} after {Attempts} attempts: {Error}", mail.Id, mail.To, mail.Attempts, error);
    }
}
