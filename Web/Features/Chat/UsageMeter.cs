using Parley.Features.Bots;
using Parley.Features.Plans;
using Parley.Infrastructure.Email;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Chat;

/// <summary>
/// The monthly message quota and per-model usage, written only with single atomic statements so concurrent visitors can
/// neither overshoot the quota nor lose a count: a message is reserved when it is accepted (one conditional increment),
/// given back when no answer comes of it, and each answer adds its model's tokens in the transaction that stores it.
/// </summary>
public sealed class UsageMeter(AppDbContext db, ITenantContext tenant, PlanLimitsReader plans, IEmailSender mail, TimeProvider clock)
{
    public static string Period(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM");

    /// <summary>Takes one message of this month's quota; false when it is spent (the first refusal of a month emails the owner).</summary>
    public async Task<bool> ReserveAsync(Chatbot bot, CancellationToken ct)
    {
        var limit = (await plans.LimitsAsync(ct)).MessagesPerMonth;
        var period = Period(clock.GetUtcNow());
        await EnsureRowAsync(db.UsagePeriods, u => u.Period == period, () => new UsagePeriod { Period = period }, ct);
        if (await db.UsagePeriods.Where(u => u.Period == period && u.Messages < limit)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Messages, x => x.Messages + 1), ct) == 1)
        {
            await AlertAsync(bot, period, limit, ct);
            return true;
        }
        // Claimed with a conditional update, so concurrent refusals send one mail.
        if (await db.UsagePeriods.Where(u => u.Period == period && u.LimitNoticeSentAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LimitNoticeSentAt, clock.GetUtcNow()), ct) == 1)
            await NotifyOwnerAsync(bot, limit, ct);
        return false;
    }

    /// <summary>
    /// The owner hears once a month when 80% of the messages are used and once when the last one is: each notice is
    /// claimed with a conditional update, so concurrent answers send it once.
    /// </summary>
    private async Task AlertAsync(Chatbot bot, string period, int limit, CancellationToken ct)
    {
        var near = (int)Math.Ceiling(limit * 0.8);
        var used = await db.UsagePeriods.Where(u => u.Period == period).Select(u => u.Messages).FirstAsync(ct);
        if (used >= limit && await db.UsagePeriods.Where(u => u.Period == period && u.LimitNoticeSentAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LimitNoticeSentAt, clock.GetUtcNow()), ct) == 1)
            await NotifyOwnerAsync(bot, limit, ct);
        else if (used >= near && used < limit && await db.UsagePeriods.Where(u => u.Period == period && u.NearLimitNoticeSentAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.NearLimitNoticeSentAt, clock.GetUtcNow()), ct) == 1)
            await NotifyNearAsync(limit, used, ct);
    }

    /// <summary>Gives back the message reserved for a question asked at <paramref name="askedAt"/> that got no answer.</summary>
    public Task ReleaseAsync(DateTimeOffset askedAt) =>
        db.UsagePeriods.Where(u => u.Period == Period(askedAt) && u.Messages > 0)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Messages, x => x.Messages - 1), CancellationToken.None);

    /// <summary>Makes sure this month's row for the model exists (before the answer's transaction: a refused insert would end it on PostgreSQL).</summary>
    public Task PrepareModelAsync(string model, DateTimeOffset at, CancellationToken ct)
    {
        var period = Period(at);
        return EnsureRowAsync(db.ModelUsages, u => u.Period == period && u.Model == model, () => new ModelUsage { Period = period, Model = model }, ct);
    }

    /// <summary>Adds one answer and its tokens to the model's month: a statement for the answer's transaction.</summary>
    public Task CountAnswerAsync(string model, DateTimeOffset at, long tokensIn, long tokensOut, CancellationToken ct)
    {
        var period = Period(at);
        return db.ModelUsages.Where(u => u.Period == period && u.Model == model).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Messages, x => x.Messages + 1)
            .SetProperty(x => x.TokensIn, x => x.TokensIn + tokensIn)
            .SetProperty(x => x.TokensOut, x => x.TokensOut + tokensOut), ct);
    }

    /// <summary>Inserts the row unless it exists; a concurrent insert of the same row (the unique index refuses ours) is fine.</summary>
    private async Task EnsureRowAsync<T>(DbSet<T> set, System.Linq.Expressions.Expression<Func<T, bool>> match, Func<T> create, CancellationToken ct) where T : class
    {
        if (await set.AnyAsync(match, ct)) return;
        var row = create();
        set.Add(row);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            db.Entry(row).State = EntityState.Detached;
            if (!await set.AnyAsync(match, ct)) throw;
        }
        finally { db.Entry(row).State = EntityState.Detached; }
    }

    private Task NotifyNearAsync(int limit, int used, CancellationToken ct) => MailOwnerAsync(
        $"{tenant.Tenant!.Name} has used 80% of this month's messages",
        [$"Your workspace {tenant.Tenant!.Name} has answered {used:N0} of the {limit:N0} messages its plan includes this month. When they are used, visitors see a polite notice instead of an answer until the 1st.",
         "Add the Extra messages add-on or upgrade on the Billing page to keep answering."], ct);

    private Task NotifyOwnerAsync(Chatbot bot, int limit, CancellationToken ct) => MailOwnerAsync(
        $"{tenant.Tenant!.Name} has used this month's {limit:N0} messages",
        [$"Your workspace {tenant.Tenant!.Name} has answered the {limit:N0} messages its plan includes this month. Visitors of {bot.Name} and your other bots now see a polite notice instead of an answer.",
         "Add the Extra messages add-on or upgrade on the Billing page to keep answering this month; the count starts again on the 1st."], ct);

    private Task MailOwnerAsync(string subject, string[] paragraphs, CancellationToken ct) =>
        Workspaces.WorkspaceOwner.MailAsync(db, mail, subject, paragraphs, null, ct);
}
