using Parley.Features.Bots;

namespace Parley.Features.Unanswered;

/// <summary>A bot's unanswered questions, grouped, each with "Add an answer" (a Q&amp;A source, trained at once).</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class IndexModel(BotAccess access, UnansweredService unanswered) : PageModel
{
    public Chatbot Bot { get; private set; } = null!;
    public List<UnansweredGroup> Groups { get; private set; } = [];
    public bool CanEdit => access.CanEdit;
    /// <summary>"Improve this answer" from a transcript: the question before that answer, prefilled.</summary>
    public (Guid Id, string Text)? Improve { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, Guid? improve, CancellationToken ct)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return NotFound();
        Bot = bot;
        if (improve is { } answerId) Improve = await unanswered.QuestionBeforeAsync(bot, answerId, ct);
        Groups = await unanswered.GroupsAsync(bot, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAnswerAsync(string publicId, string? ids, string? question, string? answer, CancellationToken ct)
    {
        if (await access.FindAsync(publicId, ct) is not { } bot) return NotFound();
        if (!access.CanEdit) return Forbid();
        Bot = bot;
        var questionIds = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Take(500).ToList();
        var (source, problem) = await unanswered.AnswerAsync(bot, questionIds, question, answer, ct);
        (Message, Error) = source is null ? ((string?)null, problem) : ($"Added \"{source.Title}\" as a Q&A answer. It is being trained; visitors get it in a few seconds.", (string?)null);
        Groups = await unanswered.GroupsAsync(bot, ct);
        Response.StatusCode = source is null ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK;
        return Page();
    }
}
