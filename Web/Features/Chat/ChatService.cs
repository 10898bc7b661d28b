using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Features.Bots;
using Parley.Features.Knowledge.Search;
using Parley.Features.Knowledge.Sources;
using Parley.Features.Plans;
using Parley.Infrastructure.Email;
using Parley.Infrastructure.Live;
using Parley.Infrastructure.Tenancy;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Parley.Features.Chat;

public class ChatPipelineOptions
{
    public const string Section = "Parley:Chat";
    /// <summary>Earlier messages of the conversation sent with each question.</summary>
    public int HistoryMessages { get; set; } = 6;
    public int Passages { get; set; } = 5;
    /// <summary>Passages the extractive answerer chooses among (it reads them by meaning, so a wider list pays; a model's prompt stays at <see cref="Passages"/>).</summary>
    public int ExtractivePassages { get; set; } = 8;
    public int MaxMessageLength { get; set; } = 2000;
    /// <summary>The extractive answerer's pace, word by word, so answers read as they grow.</summary>
    public int ExtractiveWordDelayMs { get; set; } = 12;
    /// <summary>The extractive answerer picks sentences by meaning with the local sentence model (MiniLM), not by shared words alone.</summary>
    public bool ExtractiveSentenceModel { get; set; } = true;
    public int StreamTimeoutSeconds { get; set; } = 90;
}

/// <summary>What an answer's stream carries: pieces of text as they are written, then the finished answer (null when it failed).</summary>
public abstract record AnswerEvent;
public sealed record AnswerPiece(string Text) : AnswerEvent;
public sealed record AnswerFinished(Message? Answer, AnswerDebug? Debug) : AnswerEvent;

public sealed record SourceRef(int Id, string Title, int? Page, string? Url, long ChunkId)
{
    private static readonly string[] Separators = [" | ", " — ", " – ", " - ", " · "];

    /// <summary>
    /// A citation's short label: a page title without its last " | Site" (or " — Site", " - Site") part, which every page of
    /// the site repeats; the whole title when that would leave too little.
    /// </summary>
    public static string Label(string title)
    {
        var cut = Separators.Select(s => title.LastIndexOf(s, StringComparison.Ordinal)).Max();
        return cut >= 3 ? title[..cut].Trim() : title;
    }
}
public sealed record Accepted(Conversation Conversation, Message Question, string Ticket);
public sealed record PassageDebug(int Id, string Title, int? Page, double Score, int Tokens, int? KeywordRank = null, int? VectorRank = null, double? Coverage = null, double? Similarity = null);

/// <summary>What one answer was built from, for the playground's debug drawer.</summary>
public sealed record AnswerDebug(IReadOnlyList<PassageDebug> Passages, int PromptTokens, int HistoryMessages, string RetrievalQuery, string? Fusion = null, bool WellMatched = true);

/// <summary>
/// The chat pipeline: accept a visitor's message (quota, length), store it before anything else, hand out a
/// single-use stream ticket; then retrieve passages, build the prompt (instructions, history, page, passages as quoted
/// data), stream the model's answer, and store it with its model, tokens, timing, sources and follow-ups.
/// </summary>
public sealed class ChatService(AppDbContext db, ITenantContext tenant, ISearchIndex index, IChatClient configured, ExtractiveChatClient extractive, BotSettings.BotSettingsService settings, UsageMeter meter,
    LiveEvents live, IDataProtectionProvider dp, IOptions<ChatPipelineOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<ChatService> log)
{
    private static readonly TimeSpan TicketLifetime = TimeSpan.FromSeconds(60);
    private readonly ITimeLimitedDataProtector tickets = dp.CreateProtector("Parley.ChatStream.v1").ToTimeLimitedDataProtector();
    /// <summary>What a stream ticket allows: one answer to one question, on one bot, through one channel (widget or playground).</summary>
    private sealed record TicketPayload(Guid TicketId, Guid TenantId, Guid ConversationId, long QuestionId, string? Tab, ConversationChannel Channel, Guid ChatbotId);

    /// <summary>The answer to a message written in a resolved conversation (the widget shows it in the visitor's language).</summary>
    public const string Closed = "This conversation is closed. Start a new one to write again.";

    /// <summary>Stores the visitor's message and returns the ticket for its answer, or a reason the message is refused.</summary>
    public async Task<(Accepted? Accepted, string? Problem)> AcceptAsync(Chatbot bot, Visitor visitor, Guid? conversationId, string text, ConversationChannel channel,
        string? pageUrl, string? pageTitle, string? domainHost, CancellationToken ct, string? tab = null)
    {
        text = text.Trim();
        if (text.Length == 0) return (null, "Type a message first.");
        if (text.Length > options.Value.MaxMessageLength) return (null, $"Messages can be up to {options.Value.MaxMessageLength:N0} characters.");
        var now = clock.GetUtcNow();
        Conversation? conversation = null;
        if (conversationId is { } id)
        {
            conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.ChatbotId == bot.Id && c.VisitorId == visitor.Id, ct);
            if (conversation is null) return (null, "That conversation is not available.");
            if (conversation.Status == ConversationStatus.Resolved) return (null, Closed);
        }
        if (conversation is null)
        {
            conversation = new Conversation
            {
                ChatbotId = bot.Id, VisitorId = visitor.Id, Channel = channel, Title = Shorten(text, 80), CreatedAt = now,
                PageUrl = Cap(pageUrl, 2048), PageTitle = Cap(pageTitle, 300), DomainHost = Cap(domainHost, 253),
            };
            db.Conversations.Add(conversation);
        }
        else if (pageUrl is not null)
        {
            conversation.PageUrl = Cap(pageUrl, 2048);
            conversation.PageTitle = Cap(pageTitle, 300);
        }
        var question = new Message { ConversationId = conversation.Id, ChatbotId = bot.Id, Role = MessageRole.User, Content = text, CreatedAt = now };
        db.Messages.Add(question);
        if (conversation.Channel != ConversationChannel.Playground) Webhooks.WebhookOutbox.MessageCreated(db, question);
        visitor.LastSeenAt = now;
        tab = tab is { Length: > 0 and <= 64 } ? tab : null;
        // The visitor's other tabs and the team's inboxes hear of it once it is stored.
        live.Raise(new LiveEvent(LiveKind.Message, tenant.TenantId!.Value, bot.Id, conversation.Id, visitor.Id, ToVisitor: true, ToTeam: true, tab));
        if (db.Entry(conversation).State == EntityState.Added)
        {
            (conversation.MessageCount, conversation.LastMessageAt, conversation.LastIncomingAt) = (1, now, now);
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await db.SaveAtomicallyAsync(token => IncomingAsync(conversation.Id, now, token), ct);
            if (conversation.Status == ConversationStatus.Snoozed) (conversation.Status, conversation.SnoozedUntil) = (ConversationStatus.Open, null);
        }
        var ticket = tickets.Protect(JsonSerializer.Serialize(new TicketPayload(Guid.NewGuid(), tenant.TenantId!.Value, conversation.Id, question.Id, tab, conversation.Channel, bot.Id)), now.Add(TicketLifetime));
        return (new Accepted(conversation, question, ticket), null);
    }

    /// <summary>
    /// A fresh ticket to answer a question again, for the visitor who asked it, only while the bot still owes it an answer:
    /// nothing was said after it in the conversation and no person has taken the conversation over (Ticket null otherwise).
    /// Null when the question is not this visitor's.
    /// </summary>
    public async Task<(Message Question, string? Ticket)?> RetryTicketAsync(Guid visitorId, Guid questionId, CancellationToken ct)
    {
        var question = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.PublicId == questionId && m.Role == MessageRole.User, ct);
        var conversation = question is null ? null
            : await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == question.ConversationId && c.VisitorId == visitorId, ct);
        if (question is null || conversation is null) return null;
        if (conversation.Responder != Responder.Bot || await db.Messages.AnyAsync(m => m.ConversationId == question.ConversationId && m.Id > question.Id, ct))
            return (question, null);
        var ticket = tickets.Protect(JsonSerializer.Serialize(new TicketPayload(Guid.NewGuid(), tenant.TenantId!.Value, question.ConversationId, question.Id, null, conversation.Channel, conversation.ChatbotId)),
            clock.GetUtcNow().Add(TicketLifetime));
        return (question, ticket);
    }

    /// <summary>
    /// The conversation and question a ticket is for, once: genuine, unexpired, this tenant's, for this bot and channel, not
    /// used before. A ticket shown to the wrong bot or channel is refused without being used up.
    /// </summary>
    public async Task<(Conversation Conversation, Message Question, string? Tab)?> RedeemAsync(string ticket, Guid botId, ConversationChannel channel, CancellationToken ct)
    {
        TicketPayload? payload;
        try { payload = JsonSerializer.Deserialize<TicketPayload>(tickets.Unprotect(ticket, out _)); }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException or FormatException) { return null; }
        if (payload is null || payload.TenantId != tenant.TenantId || payload.ChatbotId != botId || payload.Channel != channel) return null;
        db.UsedTickets.Add(new UsedTicket { Id = payload.TicketId, ExpiresAt = clock.GetUtcNow().Add(TicketLifetime) });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { return null; }
        finally { db.ChangeTracker.Clear(); }
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == payload.ConversationId, ct);
        var question = await db.Messages.FirstOrDefaultAsync(m => m.Id == payload.QuestionId && m.ConversationId == payload.ConversationId, ct);
        return conversation is null || question is null ? null : (conversation, question, payload.Tab);
    }

    /// <summary>Takes one message of this month's quota for an answer (see <see cref="UsageMeter"/>).</summary>
    public Task<bool> ReserveAsync(Chatbot bot, CancellationToken ct) => meter.ReserveAsync(bot, ct);

    /// <summary>
    /// The visitor wrote again, as one statement (another tab or an agent may be writing too): counted, unread for the
    /// team, a snoozed conversation wakes up, and while a person answers it the visitor is waiting for them again.
    /// </summary>
    private Task IncomingAsync(Guid conversationId, DateTimeOffset at, CancellationToken ct) =>
        db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.MessageCount, c => c.MessageCount + 1).SetProperty(c => c.LastMessageAt, at).SetProperty(c => c.LastIncomingAt, at)
            .SetProperty(c => c.Status, c => c.Status == ConversationStatus.Snoozed ? ConversationStatus.Open : c.Status)
            .SetProperty(c => c.SnoozedUntil, c => c.Status == ConversationStatus.Snoozed ? null : c.SnoozedUntil)
            .SetProperty(c => c.WaitingSince, c => c.Responder == Responder.Human && c.WaitingSince == null ? at : c.WaitingSince), ct);

    /// <summary>One more message in the conversation, as one statement (another tab or an agent may be adding one too).</summary>
    private Task CountMessageAsync(Guid conversationId, DateTimeOffset at, CancellationToken ct) =>
        db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.MessageCount, c => c.MessageCount + 1).SetProperty(c => c.LastMessageAt, at), ct);

    /// <summary>
    /// Answers the question as a stream of events: the text as the model writes it, then the stored answer (or null, for
    /// the friendly "Try again"). The endpoint writes the events; rendering stays in the web layer. The answer is
    /// finished and stored even when nobody reads any more (the visitor left: it shows on reload and its usage counts),
    /// as long as the endpoint keeps draining the stream, which holds the request's services alive. Any failure after the
    /// question was stored (search, model, saving) stores nothing half-said, writes a SystemError and gives back the
    /// reserved quota.
    /// </summary>
    public async IAsyncEnumerable<AnswerEvent> AnswerAsync(Chatbot bot, Conversation conversation, Message question, string? tab = null)
    {
        var events = System.Threading.Channels.Channel.CreateUnbounded<AnswerEvent>(new() { SingleReader = true, SingleWriter = true });
        // Started here and not awaited until the end: it goes on whether or not anyone reads.
        var run = ProduceAsync();
        await foreach (var e in events.Reader.ReadAllAsync()) yield return e;
        await run;

        async Task ProduceAsync()
        {
            try
            {
                var (answer, debug) = await GenerateAsync(bot, conversation, question, piece => events.Writer.TryWrite(new AnswerPiece(piece)), tab);
                events.Writer.TryWrite(new AnswerFinished(answer, debug));
            }
            finally { events.Writer.Complete(); }
        }
    }

    private async Task<(Message? Answer, AnswerDebug? Debug)> GenerateAsync(Chatbot bot, Conversation conversation, Message question, Action<string> onText, string? tab)
    {
        var o = options.Value;
        var started = Stopwatch.StartNew();
        using var work = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        work.CancelAfter(TimeSpan.FromSeconds(o.StreamTimeoutSeconds));
        var stage = "retrieve";
        AnswerDebug? debug = null;
        try
        {
            var prepared = await PrepareAsync(bot, conversation, question, work.Token);
            debug = prepared.Debug;
            stage = "generate";
            var answer = new StringBuilder();
            UsageDetails? usage = null;
            var modelId = ExtractiveChatClient.ModelId;
            await foreach (var update in prepared.Model.GetStreamingResponseAsync(prepared.Prompt, new Microsoft.Extensions.AI.ChatOptions { Temperature = prepared.Temperature, ModelId = prepared.General.Model }, work.Token))
            {
                modelId = update.ModelId ?? modelId;
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
                if (string.IsNullOrEmpty(update.Text)) continue;
                answer.Append(update.Text);
                onText(update.Text);
            }
            stage = "save";
            var stored = Compose(bot, conversation, question, prepared, answer.ToString().Trim(), modelId, usage, started);
            var metered = conversation.Channel != ConversationChannel.Playground; // visitors' and the API's answers
            if (metered) await meter.PrepareModelAsync(modelId, stored.CreatedAt, work.Token);
            db.Messages.Add(stored);
            if (metered) Webhooks.WebhookOutbox.MessageCreated(db, stored);
            live.Raise(new LiveEvent(LiveKind.Message, tenant.TenantId!.Value, bot.Id, conversation.Id, conversation.VisitorId, ToVisitor: true, ToTeam: true, tab));
            await db.SaveAtomicallyAsync(async token =>
            {
                await CountMessageAsync(conversation.Id, stored.CreatedAt, token);
                if (metered) await meter.CountAnswerAsync(modelId, stored.CreatedAt, stored.TokensIn, stored.TokensOut, token);
            }, work.Token);
            return (stored, debug);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Answer failed at {Stage} for conversation {ConversationId}", stage, conversation.Id);
            db.ChangeTracker.Clear();
            db.SystemErrors.Add(new SystemError
            {
                TenantId = tenant.TenantId, Service = "chat", Stage = stage, Message = Shorten($"{e.GetType().Name}: {e.Message}", 1900),
                Reference = $"conversation:{conversation.Id} message:{question.Id}", Retryable = true, CreatedAt = clock.GetUtcNow(),
            });
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                if (conversation.Channel != ConversationChannel.Playground) await meter.ReleaseAsync(question.CreatedAt);
            }
            catch (Exception inner)
            {
                log.LogError(inner, "Could not record the failed answer for conversation {ConversationId}", conversation.Id);
            }
            return (null, debug);
        }
    }

    private sealed record Prepared(BotSettings.BotGeneral General, IChatClient Model, List<AiMessage> Prompt, float Temperature,
        IReadOnlyList<SearchHit> Hits, IReadOnlyList<SourceRef> Refs, AnswerDebug Debug);

    /// <summary>Everything an answer is built from: the bot's model and persona, recent turns, passages and the prompt.</summary>
    private async Task<Prepared> PrepareAsync(Chatbot bot, Conversation conversation, Message question, CancellationToken ct)
    {
        var general = await settings.GeneralAsync(bot.Id, ct);
        // "extractive" is always the embedded answerer; any other model needs the configured AI service.
        var model = general.Model == ExtractiveChatClient.ModelId ? extractive : configured;
        var history = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id && m.Id < question.Id && m.Status == MessageStatus.Complete && (m.Role == MessageRole.User || m.Role == MessageRole.Assistant || m.Role == MessageRole.Agent))
            .OrderByDescending(m => m.Id).Take(general.HistoryMessages).ToListAsync(ct);
        history.Reverse();
        // A short follow-up ("and in Porto?") is searched together with the question before it.
        var previous = history.LastOrDefault(m => m.Role == MessageRole.User)?.Content;
        var query = KeywordText.QueryTerms(question.Content).Count < 4 && previous is not null ? $"{previous} {question.Content}" : question.Content;
        var hits = await index.SearchAsync(bot.Id, query, model == extractive ? options.Value.ExtractivePassages : options.Value.Passages, ct);
        var sourceIds = hits.Select(h => h.SourceId).Distinct().ToList();
        var titles = await db.Sources.Where(s => sourceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Title, ct);
        // A crawled page is cited by its own title; anything else by its source's.
        var refs = hits.Select((h, i) => new SourceRef(i + 1, h.Title is { Length: > 0 } page ? page : titles.GetValueOrDefault(h.SourceId) ?? "Source", h.Page, h.Url, h.ChunkId)).ToList();
        var persona = await settings.ActivePersonaAsync(bot.Id, ct);
        var prompt = AnswerPrompt.Build(bot, general.PageContext ? conversation : new Conversation { Title = conversation.Title }, history, question.Content, hits, refs, persona.Instructions);
        var fusion = index is LocalSearchIndex local
            ? $"keywords ×{local.Weights.Keyword:0.##}, word-hashing vectors ×{local.Weights.Vector:0.##}" + (local.LastMeaning.Read > 0 ? $", sentence-model meaning ×{local.MeaningWeight:0.##} ({local.LastMeaning.Read:N0} of {local.LastMeaning.Total:N0} passages read)" : "") + " (reciprocal rank fusion)"
            : null;
        var debug = new AnswerDebug(hits.Select((h, i) => new PassageDebug(i + 1, refs[i].Title, h.Page, h.Score, Knowledge.Chunking.Chunker.CountTokens(h.Text), h.KeywordRank, h.VectorRank, h.Coverage, h.Similarity)).ToList(),
            prompt.Sum(m => Knowledge.Chunking.Chunker.CountTokens(m.Text ?? "")), history.Count, query, fusion, hits.Count == 0 || SearchHit.AnyWellMatched(hits));
        return new Prepared(general, model, prompt, (float)persona.Creativity, hits, refs, debug);
    }

    /// <summary>The answer as stored: its text, model, tokens, timing, the passages it cited and follow-up ideas.</summary>
    private Message Compose(Chatbot bot, Conversation conversation, Message question, Prepared p, string text, string modelId, UsageDetails? usage, Stopwatch started)
    {
        // A model may write any bracketed number; only the passage ids it was given count as citations.
        var cited = Regex.Matches(text, @"\[(\d{1,3})\]").Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        var sources = p.Refs.Where(r => cited.Contains(r.Id)).ToList();
        return new Message
        {
            ConversationId = conversation.Id, ChatbotId = bot.Id, Role = MessageRole.Assistant, Content = text, Model = modelId,
            TokensIn = (int)(usage?.InputTokenCount ?? 0), TokensOut = (int)(usage?.OutputTokenCount ?? 0), ResponseMs = (int)started.ElapsedMilliseconds,
            Sources = sources.Count == 0 ? null : JsonSerializer.Serialize(sources), FollowUps = p.General.SmartFollowUps ? AnswerPrompt.FollowUps(p.Hits, cited, question.Content) : null, CreatedAt = clock.GetUtcNow(),
        };
    }

    public static IReadOnlyList<SourceRef> SourcesOf(Message m) =>
        m.Sources is null ? [] : JsonSerializer.Deserialize<List<SourceRef>>(m.Sources) ?? [];

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
    private static string? Cap(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
