using Parley.Features.Workspaces;

namespace Parley.Features.Bots;

/// <summary>
/// The one place that says which bots the current member may see: every bot for Owners and Admins, only
/// assigned bots for Managers and Agents. Every bot query starts here so no feature can forget it.
/// </summary>
public sealed class BotAccess(AppDbContext db, CurrentMember me)
{
    public IQueryable<Chatbot> Visible()
    {
        if (me.Is(Role.Admin)) return db.Chatbots;
        var userId = me.Membership?.UserId ?? Guid.Empty;
        return db.Chatbots.Where(b => db.BotAssignments.Any(a => a.ChatbotId == b.Id && a.UserId == userId));
    }

    public Task<Chatbot?> FindAsync(string publicId, CancellationToken ct) => Visible().FirstOrDefaultAsync(b => b.PublicId == publicId, ct);

    /// <summary>Owners and Admins manage all bots; Managers edit the settings of their assigned bots.</summary>
    public bool CanEdit => me.Is(Role.Manager);
    public bool CanCreateAndDelete => me.Is(Role.Admin);
}
