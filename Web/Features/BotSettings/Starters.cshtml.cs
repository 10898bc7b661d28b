using Parley.Features.Audit;
using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

/// <summary>Conversation starters (home view) and follow-up prompts (after answers): ordered lists of buttons (title + message) and links (text + URL).</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class StartersModel(AppDbContext db, AuditTrail audit, TimeProvider clock, Localization.LocalizationService localization) : BotSettingsPage
{
    public const int Max = 10;
    public List<ConversationStarter> Starters { get; private set; } = [];
    public StarterPlacement Placement { get; private set; }
    /// <summary>The route segment of this list: "" for starters, "follow-ups" for follow-up prompts.</summary>
    public string List => Placement == StarterPlacement.AfterAnswer ? "follow-ups" : "";
    public string? Error { get; private set; }
    public string? Message { get; private set; }
    /// <summary>The bot's languages: with more than one, each prompt may be for one of them only.</summary>
    public IReadOnlyList<Localization.OfferedLocale> Languages { get; private set; } = [];
    public string LanguageName(string? code) => code is null ? "Every language" : Languages.FirstOrDefault(l => l.Code == code)?.EnglishName ?? code;

    public IActionResult OnGet(string publicId, string? list) => Page();

    public async Task<IActionResult> OnPostAddAsync(string publicId, string? list, StarterKind kind, string? title, string? message, string? url, string? locale, CancellationToken ct)
    {
        title = title?.Trim() ?? "";
        locale = string.IsNullOrWhiteSpace(locale) ? null : locale.Trim();
        Uri? link = null;
        Error = Starters.Count >= Max ? $"A list holds at most {Max} prompts; remove one first."
            : title.Length is 0 or > 60 ? "Give the starter a title of up to 60 characters."
            : kind == StarterKind.Button && (string.IsNullOrWhiteSpace(message) || message.Trim().Length > 500) ? "A button needs the message it sends (up to 500 characters)."
            : kind == StarterKind.Link && !(Uri.TryCreate(url?.Trim(), UriKind.Absolute, out link) && link.Scheme is "http" or "https") ? "A link needs a full http(s) address, like https://example.com/pricing."
            : locale is not null && Languages.All(l => l.Code != locale) ? "Pick one of the bot's languages, or every language."
            : null;
        if (Error is null)
        {
            var starter = new ConversationStarter
            {
                ChatbotId = Bot.Id, Placement = Placement, Kind = kind, Title = title, Message = kind == StarterKind.Button ? message!.Trim() : null, Url = link?.AbsoluteUri, Locale = locale,
                Position = Starters.Count == 0 ? 0 : Starters.Max(s => s.Position) + 1, CreatedAt = clock.GetUtcNow(),
            };
            db.ConversationStarters.Add(starter);
            audit.Record(Placement == StarterPlacement.Home ? "bot.starter_added" : "bot.follow_up_added", "Chatbot", Bot.PublicId, Bot.Name, null, new { starter.Title, Kind = kind.ToString(), starter.Message, starter.Url, Language = LanguageName(locale) });
            await db.SaveChangesAsync(ct);
            Message = $"Added \"{title}\".";
        }
        return await ResultAsync(ct);
    }

    public async Task<IActionResult> OnPostMoveAsync(string publicId, string? list, Guid id, int by, CancellationToken ct)
    {
        var index = Starters.FindIndex(s => s.Id == id);
        var target = index + Math.Sign(by);
        if (index >= 0 && target >= 0 && target < Starters.Count)
        {
            var (a, b) = (Starters[index], Starters[target]);
            (a.Position, b.Position) = (b.Position, a.Position);
            audit.Record(Placement == StarterPlacement.Home ? "bot.starter_moved" : "bot.follow_up_moved", "Chatbot", Bot.PublicId, Bot.Name, new { a.Title, Position = index + 1 }, new { a.Title, Position = target + 1 });
            await db.SaveChangesAsync(ct);
        }
        return await ResultAsync(ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string publicId, string? list, Guid id, CancellationToken ct)
    {
        if (Starters.FirstOrDefault(s => s.Id == id) is { } starter)
        {
            db.ConversationStarters.Remove(starter);
            audit.Record(Placement == StarterPlacement.Home ? "bot.starter_removed" : "bot.follow_up_removed", "Chatbot", Bot.PublicId, Bot.Name, new { starter.Title }, null);
            await db.SaveChangesAsync(ct);
            Message = $"Removed \"{starter.Title}\".";
        }
        return await ResultAsync(ct);
    }

    private async Task<IActionResult> ResultAsync(CancellationToken ct)
    {
        Starters = await db.ConversationStarters.Where(s => s.ChatbotId == Bot.Id && s.Placement == Placement).OrderBy(s => s.Position).ToListAsync(ct);
        return this.PageOrPartial("_Starters", this, "", Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        var list = Route("list");
        if (list is not (null or "" or "follow-ups")) return NotFound();
        Placement = list == "follow-ups" ? StarterPlacement.AfterAnswer : StarterPlacement.Home;
        Starters = await db.ConversationStarters.Where(s => s.ChatbotId == bot.Id && s.Placement == Placement).OrderBy(s => s.Position).ToListAsync(ct);
        Languages = await localization.LocalesAsync(bot.Id, ct);
        return null;
    }
}
