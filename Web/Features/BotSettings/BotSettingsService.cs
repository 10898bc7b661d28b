using Parley.Features.Audit;
using Parley.Features.Bots;

namespace Parley.Features.BotSettings;

/// <summary>Reads a bot's settings (defaults when never saved) and saves them with an audit row of what changed.</summary>
public sealed class BotSettingsService(AppDbContext db, AuditTrail audit, Microsoft.Extensions.Options.IOptions<Infrastructure.AI.AiOptions> ai, TimeProvider clock)
{
    public async Task<BotAppearance> AppearanceAsync(Guid chatbotId, CancellationToken ct) =>
        await db.BotAppearances.AsNoTracking().FirstOrDefaultAsync(a => a.ChatbotId == chatbotId, ct) ?? new BotAppearance { ChatbotId = chatbotId };

    public async Task SaveAppearanceAsync(Chatbot bot, BotAppearance input, CancellationToken ct)
    {
        var row = await db.BotAppearances.FirstOrDefaultAsync(a => a.ChatbotId == bot.Id, ct);
        var before = row?.Copy() ?? new BotAppearance { ChatbotId = bot.Id };
        if (row is null) db.BotAppearances.Add(row = new BotAppearance { ChatbotId = bot.Id });
        row.DisplayName = string.IsNullOrWhiteSpace(input.DisplayName) ? null : input.DisplayName.Trim();
        row.Tooltip = input.Tooltip?.Trim() ?? "";
        row.WelcomeMessage = input.WelcomeMessage?.Trim() ?? "";
        row.Placeholder = string.IsNullOrWhiteSpace(input.Placeholder) ? "Ask a question…" : input.Placeholder.Trim();
        row.BrandColor = input.BrandColor.ToLowerInvariant();
        row.BrandTextColor = input.BrandTextColor.ToLowerInvariant();
        row.LinkColor = input.LinkColor.ToLowerInvariant();
        row.IconColor = input.IconColor?.Trim().ToLowerInvariant() ?? "";
        (row.FontSize, row.ChatHeight, row.IconSize, row.Position) = (input.FontSize, input.ChatHeight, input.IconSize, input.Position);
        (row.BottomDistance, row.SideDistance, row.DarkMode, row.RightToLeft, row.HideBranding) = (input.BottomDistance, input.SideDistance, input.DarkMode, input.RightToLeft, input.HideBranding);
        (row.PlainIcons, row.WatermarkText, row.WatermarkUrl) = (input.PlainIcons, input.WatermarkText?.Trim() ?? "", input.WatermarkUrl?.Trim() ?? "");
        SettingsStamp.Stamp(db, row, input.UpdatedAt, clock.GetUtcNow());
        var changes = AuditDiff.Of(before, row);
        if (changes.Before.Count > 0) audit.Record("bot.appearance_changed", "Chatbot", bot.PublicId, bot.Name, changes.Before, changes.After);
        await db.SaveChangesAsync(ct);
        input.UpdatedAt = row.UpdatedAt; // the form shows the new stamp
    }

    public async Task<BotBehavior> BehaviorAsync(Guid chatbotId, CancellationToken ct) =>
        await db.BotBehaviors.AsNoTracking().FirstOrDefaultAsync(a => a.ChatbotId == chatbotId, ct) ?? new BotBehavior { ChatbotId = chatbotId };

    public async Task SaveBehaviorAsync(Chatbot bot, BotBehavior input, CancellationToken ct)
    {
        var row = await db.BotBehaviors.FirstOrDefaultAsync(a => a.ChatbotId == bot.Id, ct);
        var before = row?.Copy() ?? new BotBehavior { ChatbotId = bot.Id };
        if (row is null) db.BotBehaviors.Add(row = new BotBehavior { ChatbotId = bot.Id });
        (row.HideSources, row.HideTooltip, row.HideFeedback, row.RequireTerms) = (input.HideSources, input.HideTooltip, input.HideFeedback, input.RequireTerms);
        (row.HideBottomNav, row.HideRefresh, row.HideExpand, row.HideHomePage, row.OpenNewConversation) = (input.HideBottomNav, input.HideRefresh, input.HideExpand, input.HideHomePage, input.OpenNewConversation);
        row.TermsText = string.IsNullOrWhiteSpace(input.TermsText) ? new BotBehavior().TermsText : input.TermsText.Trim();
        row.Disclaimer = input.Disclaimer?.Trim() ?? "";
        (row.AutoOpenDesktop, row.AutoOpenDesktopDelay, row.AutoOpenMobile, row.AutoOpenMobileDelay) = (input.AutoOpenDesktop, input.AutoOpenDesktopDelay, input.AutoOpenMobile, input.AutoOpenMobileDelay);
        row.FollowUpCount = input.FollowUpCount;
        row.ShowNoModelNote = input.ShowNoModelNote;
        SettingsStamp.Stamp(db, row, input.UpdatedAt, clock.GetUtcNow());
        var changes = AuditDiff.Of(before, row);
        if (changes.Before.Count > 0) audit.Record("bot.behavior_changed", "Chatbot", bot.PublicId, bot.Name, changes.Before, changes.After);
        await db.SaveChangesAsync(ct);
        input.UpdatedAt = row.UpdatedAt; // the form shows the new stamp
    }

    public async Task<BotGeneral> GeneralAsync(Guid chatbotId, CancellationToken ct) =>
        await db.BotGenerals.AsNoTracking().FirstOrDefaultAsync(a => a.ChatbotId == chatbotId, ct) ?? new BotGeneral { ChatbotId = chatbotId, Model = DefaultModel };

    /// <summary>A new bot answers with the configured AI model, or with the extractive answerer when none is configured.</summary>
    public string DefaultModel => ai.Value.Provider == Infrastructure.AI.AiProvider.OpenAI ? ai.Value.ChatModel : Chat.ExtractiveChatClient.ModelId;

    public async Task SaveGeneralAsync(Chatbot bot, string description, BotGeneral input, CancellationToken ct)
    {
        var row = await db.BotGenerals.FirstOrDefaultAsync(a => a.ChatbotId == bot.Id, ct);
        var before = row?.Copy() ?? new BotGeneral { ChatbotId = bot.Id };
        if (row is null) db.BotGenerals.Add(row = new BotGeneral { ChatbotId = bot.Id });
        (row.Model, row.HistoryMessages, row.PageContext, row.SmartFollowUps, row.LimitMessages, row.MaxMessages) =
            (input.Model, input.HistoryMessages, input.PageContext, input.SmartFollowUps, input.LimitMessages, input.MaxMessages);
        SettingsStamp.Stamp(db, row, input.UpdatedAt, clock.GetUtcNow());
        var changes = AuditDiff.Of(before, row);
        var tracked = await db.Chatbots.FirstAsync(b => b.Id == bot.Id, ct);
        if (tracked.Description != description.Trim())
        {
            changes.Before["Description"] = tracked.Description;
            changes.After["Description"] = description.Trim();
            tracked.Description = description.Trim();
        }
        if (changes.Before.Count > 0) audit.Record("bot.general_changed", "Chatbot", bot.PublicId, bot.Name, changes.Before, changes.After);
        await db.SaveChangesAsync(ct);
        input.UpdatedAt = row.UpdatedAt; // the form shows the new stamp
    }

    /// <summary>The bot's personas, the built-in ones created on first use; exactly one is active.</summary>
    public async Task<List<Persona>> PersonasAsync(Guid chatbotId, CancellationToken ct)
    {
        var personas = await db.Personas.Where(p => p.ChatbotId == chatbotId).OrderByDescending(p => p.BuiltIn).ThenBy(p => p.CreatedAt).ToListAsync(ct);
        if (personas.Any(p => p.BuiltIn)) return personas;
        var now = clock.GetUtcNow();
        var defaults = Persona.Defaults.Select((d, i) => new Persona
        {
            ChatbotId = chatbotId, Title = d.Title, Instructions = d.Instructions, Creativity = d.Creativity, BuiltIn = true,
            Active = i == 0 && personas.All(p => !p.Active), CreatedAt = now.AddTicks(i),
        }).ToList();
        db.Personas.AddRange(defaults);
        await db.SaveChangesAsync(ct);
        return [.. defaults, .. personas];
    }

    /// <summary>The persona the pipeline uses: the active one, or the first built-in when the screen was never opened (nothing is written).</summary>
    public async Task<Persona> ActivePersonaAsync(Guid chatbotId, CancellationToken ct) =>
        await db.Personas.AsNoTracking().FirstOrDefaultAsync(p => p.ChatbotId == chatbotId && p.Active, ct)
        ?? new Persona { ChatbotId = chatbotId, Title = Persona.Defaults[0].Title, Instructions = Persona.Defaults[0].Instructions, Creativity = Persona.Defaults[0].Creativity, BuiltIn = true, Active = true };
}
