using Parley.Features.Audit;
using Parley.Features.Workspaces;

namespace Parley.Features.Inbox;

public sealed record SavedRepliesView(IReadOnlyList<SavedReply> Replies, bool CanManage, SavedReply Input, Guid? Editing = null, IReadOnlyDictionary<string, string>? Problems = null, string? Saved = null);

/// <summary>
/// The workspace's saved replies, inserted in the inbox composer with "/shortcut". Every member uses them; Owners,
/// Admins and Managers add, change and remove them (audited). A shortcut is unique in the workspace.
/// </summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class SavedRepliesModel(AppDbContext db, CurrentMember me, AuditTrail audit, TimeProvider clock) : PageModel
{
    public SavedRepliesView View { get; private set; } = null!;
    private bool CanManage => me.Is(Role.Manager);

    public async Task<IActionResult> OnGetAsync(Guid? edit, CancellationToken ct)
    {
        var editing = edit is { } id && CanManage ? await db.SavedReplies.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) : null;
        View = await ViewAsync(editing ?? new SavedReply(), ct) with { Editing = editing?.Id };
        return Page();
    }

    public Task<IActionResult> OnPostAsync(SavedReply input, CancellationToken ct) => SaveAsync(null, input, ct);
    public Task<IActionResult> OnPostUpdateAsync(Guid id, SavedReply input, CancellationToken ct) => SaveAsync(id, input, ct);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await db.SavedReplies.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } reply) return NotFound();
        db.SavedReplies.Remove(reply);
        audit.Record("saved_reply.deleted", "SavedReply", reply.Id.ToString(), "/" + reply.Shortcut);
        await db.SaveChangesAsync(ct);
        return Result(await ViewAsync(new SavedReply(), ct) with { Saved = $"/{reply.Shortcut} removed." });
    }

    private async Task<IActionResult> SaveAsync(Guid? id, SavedReply input, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        var row = id is { } existing ? await db.SavedReplies.FirstOrDefaultAsync(r => r.Id == existing, ct) : new SavedReply();
        if (row is null) return NotFound();
        input.Shortcut = (input.Shortcut ?? "").Trim().TrimStart('/').ToLowerInvariant();
        input.Content = (input.Content ?? "").Trim();
        ModelState.Clear();
        var problems = new Dictionary<string, string>();
        if (!TryValidateModel(input))
            foreach (var (key, entry) in ModelState) if (entry.Errors.FirstOrDefault() is { } error) problems[key.Split('.').Last()] = error.ErrorMessage;
        if (problems.Count == 0 && await db.SavedReplies.AnyAsync(r => r.Shortcut == input.Shortcut && r.Id != row.Id, ct))
            problems["Shortcut"] = $"/{input.Shortcut} is taken already.";
        if (problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Result(await ViewAsync(input, ct) with { Editing = id, Problems = problems });
        }
        (row.Shortcut, row.Content, row.UpdatedAt) = (input.Shortcut, input.Content, clock.GetUtcNow());
        if (id is null) db.SavedReplies.Add(row);
        audit.Record(id is null ? "saved_reply.created" : "saved_reply.changed", "SavedReply", row.Id.ToString(), "/" + row.Shortcut);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Someone saved the same shortcut a moment ago.
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            db.ChangeTracker.Clear();
            return Result(await ViewAsync(input, ct) with { Editing = id, Problems = new Dictionary<string, string> { ["Shortcut"] = $"/{input.Shortcut} is taken already." } });
        }
        return Result(await ViewAsync(new SavedReply(), ct) with { Saved = $"/{row.Shortcut} saved." });
    }

    private IActionResult Result(SavedRepliesView view)
    {
        View = view;
        Response.Headers.Append("Vary", "HX-Request");
        return Request.IsHtmx() ? Partial("_SavedReplies", view) : Page();
    }

    private async Task<SavedRepliesView> ViewAsync(SavedReply input, CancellationToken ct) =>
        new(await db.SavedReplies.AsNoTracking().OrderBy(r => r.Shortcut).ToListAsync(ct), CanManage, input);
}
