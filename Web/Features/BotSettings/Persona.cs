using Parley.Infrastructure.Tenancy;

namespace Parley.Features.BotSettings;

/// <summary>
/// A voice for the bot (seed 000's chatbot_personas and custom_prompts): instructions added to the prompt and a
/// creativity (temperature). Every bot has the built-in ones, which can be chosen but not changed or deleted; exactly
/// one persona is active.
/// </summary>
public class Persona : ITenantOwned, IBotSetting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public required string Title { get; set; }
    public required string Instructions { get; set; }
    /// <summary>0 (precise) to 1 (creative).</summary>
    public double Creativity { get; set; } = 0.3;
    public bool BuiltIn { get; set; }
    public bool Active { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static IReadOnlyList<(string Title, string Instructions, double Creativity)> Defaults { get; } =
    [
        ("Helpful assistant", "Be warm, clear and to the point. Answer in the visitor's language. Offer the next step when there is one.", 0.3),
        ("Concise expert", "Answer in as few words as the facts allow, in plain sentences or a short list. No greetings, no filler.", 0.1),
        ("Friendly sales guide", "Be upbeat and helpful. When a product or plan fits what the visitor describes, say why and how to get it. Never invent prices or offers.", 0.6),
    ];
}
