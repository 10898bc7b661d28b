using Microsoft.Net.Http.Headers;
using Parley.Features.Audit;
using Parley.Features.Bots;

namespace Parley.Features.Localization;

/// <summary>A locale a bot offers: shipped with Parley, added by the bot, or both (a shipped one the bot reworded).</summary>
public sealed record OfferedLocale(string Code, bool Shipped, BotLocale? Custom)
{
    public string Name => WidgetTexts.DisplayName(Code);
    public string EnglishName => WidgetTexts.EnglishName(Code);
    public bool RightToLeft => WidgetTexts.IsRightToLeft(Code);
}

/// <summary>The widget's language: the locales a bot offers, the visitor's pick from their browser's languages, and the bot's own wording.</summary>
public sealed class LocalizationService(AppDbContext db, AuditTrail audit, TimeProvider clock)
{
    public async Task<BotLocalization> OptionsAsync(Guid chatbotId, CancellationToken ct) =>
        await db.BotLocalizations.AsNoTracking().FirstOrDefaultAsync(l => l.ChatbotId == chatbotId, ct) ?? new BotLocalization { ChatbotId = chatbotId };

    /// <summary>The shipped locales, then the bot's added ones, each with the bot's wording if it has any.</summary>
    public async Task<List<OfferedLocale>> LocalesAsync(Guid chatbotId, CancellationToken ct)
    {
        var rows = await db.BotLocales.AsNoTracking().Where(l => l.ChatbotId == chatbotId).OrderBy(l => l.CreatedAt).ToListAsync(ct);
        return WidgetTexts.Shipped.Keys.Select(code => new OfferedLocale(code, true, rows.FirstOrDefault(r => r.Locale == code)))
            .Concat(rows.Where(r => !WidgetTexts.Shipped.ContainsKey(r.Locale)).Select(r => new OfferedLocale(r.Locale, false, r)))
            .ToList();
    }

    /// <summary>The texts for a visitor: the first of their browser's languages the bot offers (exact, then by language), else the bot's default.</summary>
    public async Task<Texts> ForVisitorAsync(Guid chatbotId, string? acceptLanguage, CancellationToken ct)
    {
        return Choose(await OptionsAsync(chatbotId, ct), await LocalesAsync(chatbotId, ct), acceptLanguage);
    }

    public static Texts Choose(BotLocalization options, IReadOnlyList<OfferedLocale> offered, string? acceptLanguage)
    {
        var pick = options.MatchBrowser ? Pick(offered.Select(o => o.Code).ToList(), acceptLanguage) : null;
        var chosen = offered.FirstOrDefault(o => o.Code == (pick ?? options.DefaultLocale)) ?? offered[0];
        return new Texts(chosen.Code, chosen.Custom?.Texts);
    }

    public async Task<Texts> ForLocaleAsync(Guid chatbotId, string locale, CancellationToken ct)
    {
        var row = await db.BotLocales.AsNoTracking().FirstOrDefaultAsync(l => l.ChatbotId == chatbotId && l.Locale == locale, ct);
        return new Texts(locale, row?.Texts);
    }

    public static string? Pick(IReadOnlyList<string> offered, string? acceptLanguage)
    {
        if (string.IsNullOrWhiteSpace(acceptLanguage) || !StringWithQualityHeaderValue.TryParseList(acceptLanguage.Split(','), out var list)) return null;
        foreach (var tag in list.Where(l => l.Quality is null or > 0).OrderByDescending(l => l.Quality ?? 1).Select(l => l.Value.ToString()))
        {
            var exact = offered.FirstOrDefault(o => string.Equals(o, tag, StringComparison.OrdinalIgnoreCase));
            if (exact is not null) return exact;
            var language = WidgetTexts.Language(tag);
            var same = offered.FirstOrDefault(o => string.Equals(o, language, StringComparison.OrdinalIgnoreCase))
                       ?? offered.FirstOrDefault(o => string.Equals(WidgetTexts.Language(o), language, StringComparison.OrdinalIgnoreCase));
            if (same is not null) return same;
        }
        return null;
    }

    public async Task SaveOptionsAsync(Chatbot bot, string defaultLocale, bool matchBrowser, CancellationToken ct)
    {
        var row = await db.BotLocalizations.FirstOrDefaultAsync(l => l.ChatbotId == bot.Id, ct);
        var before = new { DefaultLocale = row?.DefaultLocale ?? WidgetTexts.English, MatchBrowser = row?.MatchBrowser ?? true };
        if (row is null) db.BotLocalizations.Add(row = new BotLocalization { ChatbotId = bot.Id });
        (row.DefaultLocale, row.MatchBrowser, row.UpdatedAt) = (defaultLocale, matchBrowser, clock.GetUtcNow());
        if (before.DefaultLocale != defaultLocale || before.MatchBrowser != matchBrowser)
            audit.Record("bot.languages_changed", "Chatbot", bot.PublicId, bot.Name, before, new { DefaultLocale = defaultLocale, MatchBrowser = matchBrowser });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Adds a locale, starting from Parley's translation of its language when there is one, else English.</summary>
    public async Task AddAsync(Chatbot bot, string locale, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        db.BotLocales.Add(new BotLocale { ChatbotId = bot.Id, Locale = locale, CreatedAt = now, UpdatedAt = now });
        audit.Record("bot.language_added", "Chatbot", bot.PublicId, bot.Name, null, new { Locale = locale });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Saves a locale's texts: only those that differ from the shipped wording are kept.</summary>
    public async Task SaveTextsAsync(Chatbot bot, string locale, IReadOnlyDictionary<string, string> texts, CancellationToken ct)
    {
        var row = await db.BotLocales.FirstOrDefaultAsync(l => l.ChatbotId == bot.Id && l.Locale == locale, ct);
        var now = clock.GetUtcNow();
        if (row is null) db.BotLocales.Add(row = new BotLocale { ChatbotId = bot.Id, Locale = locale, CreatedAt = now });
        var before = row.Texts;
        var kept = texts.Where(t => WidgetTexts.KeySet.Contains(t.Key) && t.Value.Trim().Length > 0 && t.Value.Trim() != WidgetTexts.Default(locale, t.Key))
            .ToDictionary(t => t.Key, t => t.Value.Trim());
        row.Texts = kept;
        row.UpdatedAt = now;
        var changed = kept.Keys.Union(before.Keys).Where(k => kept.GetValueOrDefault(k) != before.GetValueOrDefault(k)).ToList();
        if (changed.Count > 0)
            audit.Record("bot.texts_changed", "Chatbot", bot.PublicId, bot.Name,
                changed.ToDictionary(k => $"{locale}.{k}", k => before.GetValueOrDefault(k)), changed.ToDictionary(k => $"{locale}.{k}", k => kept.GetValueOrDefault(k)));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Removes an added locale, or a shipped locale's rewording (back to Parley's texts). The default language cannot go.</summary>
    public async Task RemoveAsync(Chatbot bot, string locale, CancellationToken ct)
    {
        var row = await db.BotLocales.FirstOrDefaultAsync(l => l.ChatbotId == bot.Id && l.Locale == locale, ct);
        if (row is null) return;
        db.BotLocales.Remove(row);
        audit.Record(WidgetTexts.Shipped.ContainsKey(locale) ? "bot.texts_reset" : "bot.language_removed", "Chatbot", bot.PublicId, bot.Name, new { Locale = locale }, null);
        await db.SaveChangesAsync(ct);
    }
}
