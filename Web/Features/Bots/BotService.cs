using Parley.Features.Audit;
using Parley.Features.Plans;
using Parley.Features.Workspaces;

namespace Parley.Features.Bots;

public sealed record AssignableMember(Guid UserId, string Name, string Email, Role Role, bool Assigned);

/// <summary>Creating, editing, disabling, deleting and assigning bots, with the plan's bot limit.</summary>
public sealed class BotService(AppDbContext db, BotAccess access, PlanLimitsReader plans, PlanGuard guard, AuditTrail audit, Hangfire.IBackgroundJobClient jobs, TimeProvider clock)
{
    /// <summary>The new bot, or null and why not.</summary>
    public async Task<(Chatbot? Bot, string? Problem)> CreateAsync(string name, string? description, BotType type, CancellationToken ct)
    {
        if (!access.CanCreateAndDelete) return (null, "Only owners and admins create bots.");
        var limit = (await plans.LimitsAsync(ct)).Bots;
        var bot = new Chatbot { Name = name.Trim(), Description = description?.Trim() ?? "", Type = type, CreatedAt = clock.GetUtcNow() };
        db.Chatbots.Add(bot);
        audit.Record("bot.created", "Chatbot", bot.PublicId, bot.Name, null, new { bot.Name, Type = type.ToString() });
        var problem = await guard.SaveWithinAsync(async token => await db.Chatbots.CountAsync(token) >= limit
            ? $"Your plan includes {limit} chatbot{(limit == 1 ? "" : "s")}. Upgrade your plan to add another, or delete one you no longer need."
            : null, ct);
        return problem is null ? (bot, null) : (null, problem);
    }

    public async Task UpdateAsync(Chatbot bot, string name, string? description, BotType type, CancellationToken ct)
    {
        var before = new { bot.Name, bot.Description, Type = bot.Type.ToString() };
        bot.Name = name.Trim();
        bot.Description = description?.Trim() ?? "";
        bot.Type = type;
        var after = new { bot.Name, bot.Description, Type = bot.Type.ToString() };
        if (before != after) audit.Record("bot.updated", "Chatbot", bot.PublicId, bot.Name, before, after);
        await db.SaveChangesAsync(ct);
    }

    public async Task SetStatusAsync(Chatbot bot, BotStatus status, CancellationToken ct)
    {
        if (bot.Status == status) return;
        audit.Record(status == BotStatus.Disabled ? "bot.disabled" : "bot.enabled", "Chatbot", bot.PublicId, bot.Name,
            new { Status = bot.Status.ToString() }, new { Status = status.ToString() });
        bot.Status = status;
        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteAsync(Chatbot bot, CancellationToken ct)
    {
        db.Chatbots.Remove(bot); // assignments, sources, passages, pages and events go by cascade
        audit.Record("bot.deleted", "Chatbot", bot.PublicId, bot.Name, new { bot.Name }, null);
        // Saved together with the deletion; the index entries and uploaded files are removed after it, retried until gone.
        Knowledge.Sources.KnowledgeCleanup.Record(db, bot.TenantId, Knowledge.Sources.CleanupScope.Bot, bot.Id, Knowledge.Sources.SourceService.BotPrefix(bot.TenantId, bot.Id), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        Knowledge.Sources.KnowledgeCleanup.Soon(jobs);
    }

    /// <summary>Managers and Agents of the workspace, marked when assigned to this bot.</summary>
    public Task<List<AssignableMember>> AssignableAsync(Chatbot bot, CancellationToken ct) =>
        db.Memberships.Where(m => m.LeftAt == null && (m.Role == Role.Manager || m.Role == Role.Agent))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .OrderBy(x => x.u.FullName)
            .Select(x => new AssignableMember(x.u.Id, x.u.FullName, x.u.Email!, x.m.Role,
                db.BotAssignments.Any(a => a.ChatbotId == bot.Id && a.UserId == x.u.Id)))
            .ToListAsync(ct);

    public async Task SetAssignmentsAsync(Chatbot bot, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var allowed = (await AssignableAsync(bot, ct)).Select(m => m.UserId).ToHashSet();
        var wanted = userIds.Where(allowed.Contains).ToHashSet();
        var current = await db.BotAssignments.Where(a => a.ChatbotId == bot.Id).ToListAsync(ct);
        db.BotAssignments.RemoveRange(current.Where(a => !wanted.Contains(a.UserId)));
        foreach (var userId in wanted.Where(u => current.All(a => a.UserId != u)))
            db.BotAssignments.Add(new BotAssignment { ChatbotId = bot.Id, UserId = userId });
        var before = current.Select(a => a.UserId).Order().ToList();
        var after = wanted.Order().ToList();
        if (!before.SequenceEqual(after))
            audit.Record("bot.assignments_changed", "Chatbot", bot.PublicId, bot.Name, new { Users = await EmailsAsync(before, ct) }, new { Users = await EmailsAsync(after, ct) });
        await db.SaveChangesAsync(ct);
    }

    private Task<List<string>> EmailsAsync(List<Guid> ids, CancellationToken ct) =>
        db.Users.Where(u => ids.Contains(u.Id)).Select(u => u.Email!).OrderBy(e => e).ToListAsync(ct);
}
