using System.Text.Json;
using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Knowledge.Sources;

namespace Parley.Features.Api;

/// <summary>Where a list continues: the time of the last item returned and how many items at exactly that time were returned already.</summary>
public sealed record ApiCursor(DateTimeOffset At, int Skip)
{
    public string Encode() => Base64Url(JsonSerializer.SerializeToUtf8Bytes(new[] { At.UtcTicks, Skip }));

    public static ApiCursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            var parts = JsonSerializer.Deserialize<long[]>(Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight((text.Length + 3) / 4 * 4, '=')));
            return parts is [var ticks, var skip] && skip is >= 0 and < 1_000_000 && ticks > 0 ? new ApiCursor(new DateTimeOffset(ticks, TimeSpan.Zero), (int)skip) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentOutOfRangeException) { return null; }
    }

    /// <summary>The cursor after a page (items newest first), or null when there is no more.</summary>
    public static string? After<T>(IReadOnlyList<T> page, bool more, Func<T, DateTimeOffset> at, ApiCursor? previous)
    {
        if (!more || page.Count == 0) return null;
        var last = at(page[^1]);
        var same = page.Count(p => at(p) == last) + (previous is not null && previous.At == last ? previous.Skip : 0);
        return new ApiCursor(last, same).Encode();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record ApiSourceInput(string? Type, string? Title, string? Content, string? Question, string? Answer, string? Url, int? Depth, int? Pages,
    string? Include, string? Exclude, bool? AutoSync);
public sealed record ApiChatInput(string? Message, Guid? ConversationId, string? VisitorId, bool? Stream);

/// <summary>
/// The public REST API, /api/v1 on the root host (see <see cref="ApiGate"/> for keys, limits and the request log): bots,
/// sources, conversations, chat (JSON or server-sent events) and leads. Lists are newest first with cursor paging.
/// </summary>
public static class ApiEndpoints
{
    private const int DefaultLimit = 25, MaxLimit = 100;

    public static void MapApi(this WebApplication app)
    {
        app.MapOpenApi("/api/{documentName}/openapi.json").WithMetadata(new RootHostAttribute());
        var api = app.MapGroup(ApiGate.PathPrefix).WithMetadata(new RootHostAttribute()).DisableAntiforgery().WithTags("Parley API");
        api.MapGet("/bots", ListBotsAsync).Scope(ApiScope.Read).WithSummary("List the workspace's chatbots");
        api.MapGet("/bots/{botId}", GetBotAsync).Scope(ApiScope.Read).WithSummary("Get a chatbot");
        api.MapGet("/bots/{botId}/sources", ListSourcesAsync).Scope(ApiScope.Read).WithSummary("List a chatbot's knowledge sources");
        api.MapPost("/bots/{botId}/sources", AddSourceAsync).Scope(ApiScope.Write).Accepts<ApiSourceInput>("application/json").WithSummary("Add a text, Q&A, website or sitemap source");
        api.MapPost("/bots/{botId}/sources/files", AddFileAsync).Scope(ApiScope.Write).WithSummary("Upload a file source (multipart, field \"file\")");
        api.MapGet("/bots/{botId}/sources/{sourceId:guid}", GetSourceAsync).Scope(ApiScope.Read).WithSummary("Get a source and its training status");
        api.MapDelete("/bots/{botId}/sources/{sourceId:guid}", DeleteSourceAsync).Scope(ApiScope.Write).WithSummary("Delete a source");
        api.MapPost("/bots/{botId}/sources/{sourceId:guid}/resync", ResyncSourceAsync).Scope(ApiScope.Write).WithSummary("Train a source again (re-crawl a website)");
        api.MapGet("/bots/{botId}/conversations", ListConversationsAsync).Scope(ApiScope.Read).WithSummary("List a chatbot's conversations");
        api.MapGet("/bots/{botId}/conversations/{conversationId:guid}", GetConversationAsync).Scope(ApiScope.Read).WithSummary("Get a conversation with its messages");
        api.MapPost("/bots/{botId}/messages", ChatAsync).Scope(ApiScope.Chat).Accepts<ApiChatInput>("application/json").WithSummary("Ask a chatbot: the answer as JSON, or streamed as server-sent events");
        api.MapGet("/leads", ListLeadsAsync).Scope(ApiScope.Read).WithSummary("List leads");
        api.MapGet("/leads.csv", ExportLeadsAsync).Scope(ApiScope.Read).WithSummary("Export leads as CSV");
    }

    /// <summary>Refuses (403) a key without the scope an endpoint needs.</summary>
    private static RouteHandlerBuilder Scope(this RouteHandlerBuilder endpoint, ApiScope scope) => endpoint.AddEndpointFilter(async (ctx, next) =>
        ctx.HttpContext.Features.Get<ApiCaller>() is { } caller && caller.Key.Scopes.HasFlag(scope)
            ? await next(ctx)
            : ApiResults.Problem(403, "Missing scope", $"This key may not {scope.ToString().ToLowerInvariant()}; make a key with that scope under API keys."));

    private static int Limit(int? limit) => Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);

    private static readonly IResult BadCursor = ApiResults.Invalid("The cursor is not one this API gave out.");

    /// <summary>One page of a newest-first list (already filtered to the cursor's time and ordered by time, then id): one row more is read to know whether more follow.</summary>
    private static async Task<(List<T> Page, string? Next)> PageAsync<T>(IQueryable<T> ordered, ApiCursor? after, int? limit, Func<T, DateTimeOffset> at, CancellationToken ct)
    {
        var n = Limit(limit);
        var rows = await ordered.Skip(after?.Skip ?? 0).Take(n + 1).ToListAsync(ct);
        var page = rows.Take(n).ToList();
        return (page, ApiCursor.After(page, rows.Count > n, at, after));
    }

    private static Task<Chatbot?> BotAsync(AppDbContext db, string botId, CancellationToken ct) => db.Chatbots.AsNoTracking().FirstOrDefaultAsync(b => b.PublicId == botId, ct);

    private static object Bot(Chatbot b) => new
    {
        id = b.PublicId, name = b.Name, description = b.Description, type = b.Type, status = b.Status, training_status = b.TrainingStatus,
        created_at = b.CreatedAt, last_trained_at = b.LastTrainedAt,
    };

    private static object Source(Source s) => new
    {
        id = s.Id, type = s.Kind switch { SourceKind.QandA => "qa", var k => k.ToString().ToLowerInvariant() }, title = s.Title, status = s.Status,
        error = s.Error, url = s.Url, file_name = s.FileName, pages = s.Pages, passages = s.Chunks, excluded = s.Excluded, created_at = s.CreatedAt, last_synced_at = s.LastSyncedAt,
    };

    private static object Conversation(Conversation c, string botId) => new
    {
        id = c.Id, bot_id = botId, channel = c.Channel, status = c.Status, responder = c.Responder, title = c.Title, site = c.DomainHost, page_url = c.PageUrl,
        messages = c.MessageCount, rating = c.Rating, created_at = c.CreatedAt, last_message_at = c.LastMessageAt, escalated_at = c.EscalatedAt, resolved_at = c.ResolvedAt,
    };

    private static object Message(Message m) => new
    {
        id = m.PublicId, role = m.Role, content = m.Content, created_at = m.CreatedAt, author = m.AgentName,
        sources = m.Role == MessageRole.Assistant ? ChatService.SourcesOf(m).Select(s => new { title = s.Title, page = s.Page, url = s.Url }) : null,
        feedback = m.Reaction,
    };

    private static async Task<IResult> ListBotsAsync(AppDbContext db, CancellationToken ct) =>
        ApiResults.Ok(new { data = (await db.Chatbots.AsNoTracking().OrderBy(b => b.CreatedAt).ToListAsync(ct)).Select(Bot), next_cursor = (string?)null });

    private static async Task<IResult> GetBotAsync(string botId, AppDbContext db, CancellationToken ct) =>
        await BotAsync(db, botId, ct) is { } bot ? ApiResults.Ok(Bot(bot)) : ApiResults.NotFound("chatbot");

    private static async Task<IResult> ListSourcesAsync(string botId, string? cursor, int? limit, AppDbContext db, CancellationToken ct)
    {
        if (await BotAsync(db, botId, ct) is not { } bot) return ApiResults.NotFound("chatbot");
        var after = ApiCursor.Decode(cursor);
        if (cursor is not null && after is null) return BadCursor;
        var query = db.Sources.AsNoTracking().Where(s => s.ChatbotId == bot.Id);
        if (after is not null) query = query.Where(s => s.CreatedAt <= after.At);
        var (page, next) = await PageAsync(query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id), after, limit, s => s.CreatedAt, ct);
        return ApiResults.Ok(new { data = page.Select(Source), next_cursor = next });
    }

    /// <summary>A JSON body in the API's snake_case, or the problem to answer with.</summary>
    private static async Task<(T? Body, IResult? Problem)> BodyAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType()) return (null, ApiResults.Problem(415, "JSON expected", "Send the body as application/json."));
        try { return (await JsonSerializer.DeserializeAsync<T>(request.Body, ApiResults.Json, ct) ?? throw new JsonException(), null); }
        catch (JsonException) { return (null, ApiResults.Problem(400, "Malformed JSON", "The body is not a JSON object of the documented shape.")); }
    }

    private static async Task<IResult> AddSourceAsync(string botId, HttpRequest request, AppDbContext db, SourceService sources, CancellationToken ct)
    {
        if (await BotAsync(db, botId, ct) is not { } bot) return ApiResults.NotFound("chatbot");
        var (input, bad) = await BodyAsync<ApiSourceInput>(request, ct);
        if (input is null) return bad!;
        var (source, problem) = input.Type?.ToLowerInvariant() switch
        {
            "text" => await sources.AddTextAsync(bot, input.Title, input.Content, ct),
            "qa" => await sources.AddQaAsync(bot, input.Question, input.Answer, ct),
            "website" or "sitemap" => await sources.AddWebsiteAsync(bot, new WebsiteInput(input.Url, input.Type.Equals("sitemap", StringComparison.OrdinalIgnoreCase),
                input.Depth ?? 2, input.Pages ?? 50, input.Include, input.Exclude, input.AutoSync ?? false), ct),
            _ => (null, "Say what to add: \"type\" is text, qa, website or sitemap (files go to /sources/files)."),
        };
        return source is null ? ApiResults.Invalid(problem!) : ApiResults.Ok(Source(source), 201);
    }

    private static async Task<IResult> AddFileAsync(string botId, HttpRequest request, AppDbContext db, SourceService sources, CancellationToken ct)
    {
        if (await BotAsync(db, botId, ct) is not { } bot) return ApiResults.NotFound("chatbot");
        if (!request.HasFormContentType) return ApiResults.Invalid("Send the file as multipart/form-data in a field named \"file\".");
        var form = await request.ReadFormAsync(ct);
        if (form.Files.GetFile("file") is not { Length: > 0 } file) return ApiResults.Invalid("Send the file as multipart/form-data in a field named \"file\"; it must not be empty.");
        await using var stream = file.OpenReadStream();
        var (source, problem) = await sources.AddFileAsync(bot, file.FileName, stream, file.Length, ct);
        return source is null ? ApiResults.Invalid(problem!) : ApiResults.Ok(Source(source), 201);
    }

    private static async Task<IResult> GetSourceAsync(string botId, Guid sourceId, AppDbContext db, CancellationToken ct) =>
        await BotAsync(db, botId, ct) is not { } bot ? ApiResults.NotFound("chatbot")
        : await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId && s.ChatbotId == bot.Id, ct) is { } source ? ApiResults.Ok(Source(source))
        : ApiResults.NotFound("source");

    private static async Task<IResult> DeleteSourceAsync(string botId, Guid sourceId, AppDbContext db, SourceService sources, CancellationToken ct)
    {
        if (await BotAsync(db, botId, ct) is not { } bot) return ApiResults.NotFound("chatbot");
        if (await db.Sources.FirstOrDefaultAsync(s => s.Id == sourceId && s.ChatbotId == bot.Id, ct) is not { } source) return ApiResults.NotFound("source");
        await sources.DeleteAsync(source, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> ResyncSourceAsync(string botId, Guid sourceId, AppDbContext db, SourceService sources, CancellationToken ct)
    {
        if (await BotAsync(db, botId, ct) is not { } bot) return ApiResults.NotFound("chatbot");
        if (await db.Sources.FirstOrDefaultAsync(s => s.Id == sourceId && s.ChatbotId == bot.Id, ct) is not { } source) return ApiResults.NotFound("source");
        if (await sources.RequeueAsync(source, ct) is { } problem) return ApiResults.Problem(409, "Cannot train again now", problem);
        return ApiResults.Ok(Source(source), 202);
    }

    private static async Task<IResult> ListConversationsAsync(string botId, string? status, DateTimeOffset? since, string? cursor, int? limit, AppDbContext db, CancellationToken ct)
    {
        if (await BotAsync(db, botId, ct) is not { } bot) return ApiResults.NotFound("chatbot");
        var after = ApiCursor.Decode(cursor);
        if (cursor is not null && after is null) return BadCursor;
        var query = db.Conversations.AsNoTracking().Where(Chat.Conversation.Counted).Where(c => c.ChatbotId == bot.Id);
        if (status is not null)
        {
            if (!Enum.TryParse<ConversationStatus>(status, ignoreCase: true, out var s)) return ApiResults.Invalid("status is open, pending, snoozed or resolved.");
            query = query.Where(c => c.Status == s);
        }
        if (since is { } from) query = query.Where(c => c.CreatedAt >= from);
        if (after is not null) query = query.Where(c => c.CreatedAt <= after.At);
        var (page, next) = await PageAsync(query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id), after, limit, c => c.CreatedAt, ct);
        return ApiResults.Ok(new { data = page.Select(c => Conversation(c, bot.PublicId)), next_cursor = next });
    }

    private static async Task<IResult> GetConversationAsync(string botId, Guid conversationId, AppDbContext db, CancellationToken ct)
    {
        if (await BotAsync(db, botId, ct) is not { } bot) return ApiResults.NotFound("chatbot");
        var conversation = await db.Conversations.AsNoTracking().Where(Chat.Conversation.Counted).FirstOrDefaultAsync(c => c.Id == conversationId && c.ChatbotId == bot.Id, ct);
        if (conversation is null) return ApiResults.NotFound("conversation");
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id).Where(Chat.Message.ForVisitor)
            .Where(m => m.Role != MessageRole.Activity && m.Status == MessageStatus.Complete).OrderBy(m => m.Id).Take(1000).ToListAsync(ct);
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == conversation.VisitorId, ct);
        return ApiResults.Ok(new
        {
            conversation = Conversation(conversation, bot.PublicId),
            visitor = visitor is null ? null : new { name = visitor.Name, email = visitor.Email, phone = visitor.Phone, language = visitor.Language },
            messages = messages.Select(Message),
        });
    }

    /// <summary>
    /// Stores the question in a conversation of the API channel (a new one, or the one named; the caller's visitor id
    /// keeps one visitor across conversations) and answers it: the whole answer as JSON, or with "stream": true as
    /// server-sent events ("token" with each piece of text, then "done" with the stored answer).
    /// </summary>
    private static async Task ChatAsync(string botId, HttpContext http, AppDbContext db, ChatService chat, TimeProvider clock, CancellationToken ct)
    {
        async Task AnswerAsync(IResult result) => await result.ExecuteAsync(http);
        if (await BotAsync(db, botId, ct) is not { } bot) { await AnswerAsync(ApiResults.NotFound("chatbot")); return; }
        var (input, bad) = await BodyAsync<ApiChatInput>(http.Request, ct);
        if (input is null) { await AnswerAsync(bad!); return; }
        if (bot.Status != BotStatus.Enabled) { await AnswerAsync(ApiResults.Problem(409, "Chatbot disabled", "This chatbot is disabled; enable it in the dashboard first.")); return; }
        if (input.VisitorId is { Length: > 100 }) { await AnswerAsync(ApiResults.Invalid("visitor_id is up to 100 characters.")); return; }
        Visitor? visitor = null;
        if (input.ConversationId is { } id)
        {
            var owner = await db.Conversations.Where(c => c.Id == id && c.ChatbotId == bot.Id && c.Channel == ConversationChannel.Api).Select(c => (Guid?)c.VisitorId).FirstOrDefaultAsync(ct);
            visitor = owner is null ? null : await db.Visitors.FirstOrDefaultAsync(v => v.Id == owner, ct);
            if (visitor is null) { await AnswerAsync(ApiResults.NotFound("API conversation")); return; }
        }
        else
        {
            var hash = Visitor.Hash($"api:{bot.Id}:{input.VisitorId ?? Visitor.NewToken()}");
            visitor = await db.Visitors.FirstOrDefaultAsync(v => v.TokenHash == hash, ct);
            if (visitor is null)
            {
                var now = clock.GetUtcNow();
                visitor = db.Visitors.Add(new Visitor { ChatbotId = bot.Id, TokenHash = hash, CreatedAt = now, LastSeenAt = now }).Entity;
            }
        }
        var (accepted, problem) = await chat.AcceptAsync(bot, visitor, input.ConversationId, input.Message ?? "", ConversationChannel.Api, null, null, null, ct);
        if (accepted is null) { await AnswerAsync(ApiResults.Invalid(problem!)); return; }
        var conversation = accepted.Conversation;
        object Asked(object? answer, string state) => new { conversation_id = conversation.Id, question = Message(accepted.Question), answer, state };
        if (conversation.Responder == Responder.Human) { await AnswerAsync(ApiResults.Ok(Asked(null, "with_a_person"), 202)); return; }
        if (!await chat.ReserveAsync(bot, ct))
        {
            await AnswerAsync(ApiResults.Problem(429, "Monthly messages used", "This workspace has used this month's messages; the owner can add more on the Billing page."));
            return;
        }
        if (input.Stream != true)
        {
            AnswerFinished? done = null;
            await foreach (var e in chat.AnswerAsync(bot, conversation, accepted.Question)) if (e is AnswerFinished f) done = f;
            await AnswerAsync(done?.Answer is { } answer ? ApiResults.Ok(Asked(Message(answer), "answered"))
                : ApiResults.Problem(503, "No answer", "The answer failed; the question is kept. Ask again in a moment."));
            return;
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache, no-transform";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        async Task EventAsync(string name, object data)
        {
            if (ct.IsCancellationRequested) return;
            try
            {
                await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, ApiResults.Json)}\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
            }
            catch (OperationCanceledException) { } // the caller left: the answer is still finished and stored
        }
        await EventAsync("question", Asked(null, "answering"));
        AnswerFinished? finished = null;
        // Drained to the end even if the caller leaves, so the answer is stored.
        await foreach (var e in chat.AnswerAsync(bot, conversation, accepted.Question))
            if (e is AnswerPiece piece) await EventAsync("token", new { text = piece.Text });
            else if (e is AnswerFinished f) finished = f;
        await EventAsync("done", finished?.Answer is { } stored ? Asked(Message(stored), "answered") : Asked(null, "failed"));
    }

    private static IQueryable<Visitor> Leads(AppDbContext db, Chatbot? bot) =>
        db.Visitors.AsNoTracking().Where(v => v.LeadAt != null && (bot == null || v.ChatbotId == bot.Id));

    private static async Task<IResult> ListLeadsAsync([FromQuery(Name = "bot_id")] string? botId, string? cursor, int? limit, AppDbContext db, CancellationToken ct)
    {
        Chatbot? bot = null;
        if (botId is not null && (bot = await BotAsync(db, botId, ct)) is null) return ApiResults.NotFound("chatbot");
        var after = ApiCursor.Decode(cursor);
        if (cursor is not null && after is null) return BadCursor;
        var query = Leads(db, bot);
        if (after is not null) query = query.Where(v => v.LeadAt <= after.At);
        var (page, next) = await PageAsync(query.OrderByDescending(v => v.LeadAt).ThenByDescending(v => v.Id), after, limit, v => v.LeadAt!.Value, ct);
        var bots = await db.Chatbots.AsNoTracking().ToDictionaryAsync(b => b.Id, b => b.PublicId, ct);
        return ApiResults.Ok(new
        {
            data = page.Select(v => new
            {
                id = v.Id, bot_id = bots.GetValueOrDefault(v.ChatbotId), name = v.Name, email = v.Email, phone = v.Phone,
                fields = v.LeadFields is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) : null,
                conversation_id = v.LeadConversationId, captured_at = v.LeadAt,
            }),
            next_cursor = next,
        });
    }

    private static async Task<IResult> ExportLeadsAsync([FromQuery(Name = "bot_id")] string? botId, AppDbContext db, CancellationToken ct)
    {
        Chatbot? bot = null;
        if (botId is not null && (bot = await BotAsync(db, botId, ct)) is null) return ApiResults.NotFound("chatbot");
        var bots = await db.Chatbots.AsNoTracking().ToDictionaryAsync(b => b.Id, b => b.Name, ct);
        var csv = new CsvText().Line(["Name", "Email", "Phone", "Details", "Bot", "Captured (UTC)", "Conversation id"]);
        foreach (var v in await Leads(db, bot).OrderByDescending(v => v.LeadAt).Take(50_000).ToListAsync(ct))
            csv.Line([v.Name ?? "", v.Email ?? "", v.Phone ?? "", v.LeadFields ?? "", bots.GetValueOrDefault(v.ChatbotId, ""), v.LeadAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm"),
                v.LeadConversationId?.ToString() ?? ""]);
        var file = csv.File($"leads-{DateTime.UtcNow:yyyy-MM-dd}.csv");
        return Results.File(file.FileContents, file.ContentType, file.FileDownloadName);
    }
}
