using Parley.Features.Audit;
using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

/// <summary>Personas and custom instructions: choose the active one, add, edit or delete your own; the built-in ones stay.</summary>
[TenantHost, Authorize(Policy = Policies.Member)]
public class PersonasModel(AppDbContext db, BotSettingsService settings, AuditTrail audit, TimeProvider clock) : BotSettingsPage
{
    public List<Persona> Personas { get; private set; } = [];
    public Persona? Editing { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string publicId, Guid? edit, CancellationToken ct)
    {
        Editing = Personas.FirstOrDefault(p => p.Id == edit && !p.BuiltIn);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string publicId, Guid? id, string? title, string? instructions, double creativity, CancellationToken ct)
    {
        title = title?.Trim() ?? "";
        instructions = instructions?.Trim() ?? "";
        Error = title.Length is 0 or > 80 ? "Give the persona a title of up to 80 characters."
            : instructions.Length is 0 or > 4000 ? "Write the persona's instructions (up to 4,000 characters)."
            : !double.IsFinite(creativity) || creativity is < 0 or > 1 ? "Creativity is between 0 (precise) and 1 (creative)."
            : null;
        var existing = id is { } i ? Personas.FirstOrDefault(p => p.Id == i) : null;
        if (Error is null && id is not null && existing is null) Error = "That persona no longer exists.";
        if (Error is null && existing is { BuiltIn: true }) Error = "Built-in personas can't be changed; add your own instead.";
        if (Error is not null)
        {
            Editing = new Persona { Id = id ?? Guid.Empty, Title = title, Instructions = instructions, Creativity = creativity, ChatbotId = Bot.Id };
            return Result(StatusCodes.Status422UnprocessableEntity);
        }
        if (existing is null)
        {
            existing = new Persona { ChatbotId = Bot.Id, Title = title, Instructions = instructions, Creativity = creativity, CreatedAt = clock.GetUtcNow() };
            db.Personas.Add(existing);
            Personas.Add(existing);
            audit.Record("bot.persona_added", "Chatbot", Bot.PublicId, Bot.Name, null, new { existing.Title, existing.Instructions, existing.Creativity });
        }
        else
        {
            audit.Record("bot.persona_changed", "Chatbot", Bot.PublicId, Bot.Name, new { existing.Title, existing.Instructions, existing.Creativity }, new { Title = title, Instructions = instructions, Creativity = creativity });
            (existing.Title, existing.Instructions, existing.Creativity) = (title, instructions, creativity);
        }
        await db.SaveChangesAsync(ct);
        Message = $"Saved \"{title}\".";
        return Result();
    }

    public async Task<IActionResult> OnPostActivateAsync(string publicId, Guid id, CancellationToken ct)
    {
        if (Personas.FirstOrDefault(p => p.Id == id) is { } chosen && !chosen.Active)
        {
            var before = Personas.FirstOrDefault(p => p.Active)?.Title;
            foreach (var p in Personas) p.Active = p.Id == id;
            audit.Record("bot.persona_activated", "Chatbot", Bot.PublicId, Bot.Name, new { Active = before }, new { Active = chosen.Title });
            await db.SaveChangesAsync(ct);
            Message = $"{Bot.Name} now answers as \"{chosen.Title}\".";
        }
        return Result();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string publicId, Guid id, CancellationToken ct)
    {
        var persona = Personas.FirstOrDefault(p => p.Id == id);
        if (persona is { BuiltIn: true })
        {
            Error = "Built-in personas can't be deleted.";
            return Result(StatusCodes.Status422UnprocessableEntity);
        }
        if (persona is not null)
        {
            db.Personas.Remove(persona);
            Personas.Remove(persona);
            if (persona.Active) Personas.First(p => p.BuiltIn).Active = true; // someone must speak
            audit.Record("bot.persona_removed", "Chatbot", Bot.PublicId, Bot.Name, new { persona.Title }, null);
            await db.SaveChangesAsync(ct);
            Message = $"Removed \"{persona.Title}\".";
        }
        return Result();
    }

    private IActionResult Result(int status = StatusCodes.Status200OK) => this.PageOrPartial("_Personas", this, "", status);

    protected override async Task<IActionResult?> LoadAsync(Chatbot bot, CancellationToken ct)
    {
        Personas = await settings.PersonasAsync(bot.Id, ct);
        return null;
    }
}
