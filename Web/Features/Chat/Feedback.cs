namespace Parley.Features.Chat;

/// <summary>
/// A visitor's thumbs on answers. The reaction is swapped with a conditional write (only from the value it was read
/// with) and the conversation's counters move by the difference in the same transaction, so concurrent presses from
/// several tabs never lose or double a count.
/// </summary>
public sealed class Feedback(AppDbContext db)
{
    /// <summary>A thumb pressed: pressing the same one again takes it back.</summary>
    public static Reaction Toggle(Reaction current, Reaction pressed) => current == pressed ? Reaction.None : pressed;

    /// <summary>Moves the answer's reaction to <paramref name="next"/>(current) and returns the reaction it ends with.</summary>
    public async Task<Reaction> SetAsync(long messageId, Guid conversationId, Func<Reaction, Reaction> next, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var current = await db.Messages.Where(m => m.Id == messageId).Select(m => m.Reaction).FirstAsync(ct);
            var wanted = next(current);
            if (wanted == current) return current;
            var swapped = false;
            await db.SaveAtomicallyAsync(async token =>
            {
                swapped = await db.Messages.Where(m => m.Id == messageId && m.Reaction == current)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.Reaction, wanted), token) == 1;
                if (!swapped) return;
                var up = (wanted == Reaction.Positive ? 1 : 0) - (current == Reaction.Positive ? 1 : 0);
                var down = (wanted == Reaction.Negative ? 1 : 0) - (current == Reaction.Negative ? 1 : 0);
                await db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(u => u
                    .SetProperty(c => c.PositiveCount, c => c.PositiveCount + up)
                    .SetProperty(c => c.NegativeCount, c => c.NegativeCount + down), token);
            }, ct);
            if (swapped) return wanted;
            // Another press changed it between our read and our write: read again and apply ours to what it left.
        }
        throw new InvalidOperationException($"The reaction of message {messageId} kept changing.");
    }
}
