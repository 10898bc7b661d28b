using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Parley.Features.Chat;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Features.Chat;

/// <summary>The widget's chat pipeline through HTTP and SSE, on a real database, with the embedded extractive answerer.</summary>
public abstract class ChatTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private async Task<(SignedUp Ws, string Bot)> TrainedBotAsync(string name = "Kettle helper")
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync(name);
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Warranty"), ("content", "# Warranty\nEvery kettle is covered for two years from the day of purchase. Keep your receipt.\n\n# Delivery\nParcels arrive within three working days anywhere in Portugal.")));
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Qa", Http.Form(("question", "Do you deliver on Sundays?"), ("answer", "No, deliveries run Monday to Saturday.")));
        Assert.All(await app.WaitForSourcesAsync(ws.TenantId), s => Assert.Equal(SourceStatus.Ready, s.Status));
        return (ws, bot);
    }

    private Task<List<Message>> MessagesAsync(Guid tenantId) => app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters()
        .Where(m => m.TenantId == tenantId).OrderBy(m => m.Id).ToListAsync());

    [Fact]
    public async Task Visitor_question_is_stored_then_answered_over_sse_with_its_source_and_the_conversation_comes_back()
    {
        var (ws, bot) = await TrainedBotAsync();
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        Assert.StartsWith("vis_", widget.Token);

        var (html, answer) = await widget.AskAsync("How long is the warranty on a kettle?");
        Assert.Contains("data-view=\"conversation\"", html); // the first message opens a conversation view
        Assert.True(answer.Tokens.Count > 3, "The answer should arrive in pieces.");
        Assert.Contains("two years", string.Concat(answer.Tokens));
        Assert.Contains("covered for two years", answer.Done);
        Assert.Contains("[1] Warranty", answer.Done); // the source under the answer
        Assert.DoesNotContain("without an AI model", answer.Done); // visitors are told only when the bot's Behavior says so

        var messages = await MessagesAsync(ws.TenantId);
        Assert.Equal([MessageRole.User, MessageRole.Assistant], messages.Select(m => m.Role));
        var reply = messages[1];
        Assert.Equal(ExtractiveChatClient.ModelId, reply.Model);
        Assert.True(reply.TokensIn > 0 && reply.TokensOut > 0 && reply.ResponseMs is not null);
        Assert.Contains("Warranty", reply.Sources);

        // The ticket was single-use.
        (await widget.Http.GetAsync(WidgetClient.StreamOf(html))).AssertStatus(HttpStatusCode.NotFound);

        // A follow-up in the same conversation, then a "reload": the home view lists the conversation and reopens it.
        var conversationId = Guid.Parse(Regex.Match(html, "data-conversation=\"([0-9a-f-]+)\"").Groups[1].Value);
        var (_, second) = await widget.AskAsync("Do you deliver on Sundays?", conversationId);
        Assert.Contains("Monday to Saturday", second.Done);
        var home = await (await widget.GetAsync("?handler=Home")).Content.ReadAsStringAsync();
        Assert.Contains("How long is the warranty on a kettle?", home);
        var reopened = await (await widget.GetAsync($"?handler=Conversation&id={conversationId}")).TextAsync();
        Assert.Contains("covered for two years", reopened);
        Assert.Contains("Monday to Saturday", reopened);

        var usage = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ModelUsages.IgnoreQueryFilters().SingleAsync(u => u.TenantId == ws.TenantId));
        Assert.Equal((ExtractiveChatClient.ModelId, 2), (usage.Model, usage.Messages));

        // Feedback: thumbs up counts on the conversation; the same thumb again takes it back.
        (await widget.PostAsync($"?handler=Feedback&messageId={reply.PublicId}&value=up", [])).AssertStatus(HttpStatusCode.OK);
        var conversation = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Conversations.IgnoreQueryFilters().SingleAsync(c => c.Id == conversationId));
        Assert.Equal(1, conversation.PositiveCount);
        Assert.Equal("Help", conversation.PageTitle);

        // The dashboard's history finds it by a word of the answer, and shows the transcript with sources.
        var list = await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations?q=Saturday")).TextAsync();
        Assert.Contains("How long is the warranty on a kettle?", list);
        Assert.Contains("No conversation matches", await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations?q=zebra")).TextAsync());
        var transcript = await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations/{conversationId}")).TextAsync();
        Assert.Contains("Sources: [1] Warranty", transcript);
        Assert.Contains("thumbs up: helpful", transcript);
    }

    [Fact]
    public async Task Questions_the_knowledge_cannot_answer_get_an_honest_not_found()
    {
        var (_, bot) = await TrainedBotAsync();
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (_, answer) = await widget.AskAsync("What is the capital of Mongolia?");
        Assert.Contains("couldn't find that", answer.Done);
        Assert.DoesNotContain("data-testid=\"sources\"", answer.Done);
    }

    [Fact]
    public async Task Script_in_bot_names_documents_and_messages_renders_inert()
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync("<script>alert('bot')</script>");
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "<img src=x onerror=alert('title')>"),
            ("content", "Refund policy: <img src=x onerror=alert('doc')> refunds take five days. See [the form](javascript:alert('link')) or ![tracker](https://evil.example/pixel.png) or [our page](https://shop.example/refunds).")));
        await app.WaitForSourcesAsync(ws.TenantId);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();

        var shell = await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert('bot')", shell);
        Assert.Contains("&lt;script&gt;", shell);

        var (html, answer) = await widget.AskAsync("<b onmouseover=alert('msg')>refund</b> how many days for a refund?");
        Assert.DoesNotContain("<b onmouseover", html);
        Assert.Contains("&lt;b onmouseover", html);
        foreach (var piece in answer.Tokens.Append(answer.Done))
        {
            Assert.DoesNotContain("<img", piece);
            Assert.DoesNotContain("href=\"javascript:", piece);
            Assert.DoesNotContain("href=\"https://evil.example/pixel.png\"><img", piece);
        }
        var transcript = await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<b onmouseover", transcript);

        // Markdown from an answer: only http(s) links, shown with their host; images become links, never loaded.
        var rendered = Markdown.ToHtml("See [form](javascript:alert(1)), ![x](https://evil.example/p.png), <script>x</script> and [page](https://shop.example/a).");
        Assert.DoesNotContain("javascript:", rendered);
        Assert.DoesNotContain("<img", rendered);
        Assert.DoesNotContain("<script>", rendered);
        Assert.Contains("href=\"https://shop.example/a\"", rendered);
        Assert.Contains("(shop.example)", rendered);
        Assert.Contains("[image on evil.example]", rendered);
    }

    [Fact]
    public async Task Fast_visitors_get_429_with_retry_after_and_a_spent_quota_gets_a_polite_notice_and_one_mail()
    {
        var (ws, bot) = await TrainedBotAsync();
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.VisitorMessagesPerMinute, 2);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        await widget.SendAsync("First question about delivery");
        await widget.SendAsync("Second question about delivery");
        var third = await widget.PostAsync("?handler=Send", new() { ["text"] = "Third question" });
        third.AssertStatus(HttpStatusCode.TooManyRequests);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("very fast", await third.Content.ReadAsStringAsync());

        await app.SetLimitAsync(ws.TenantId, s => s.Limits.VisitorMessagesPerMinute, 100);
        // Each accepted message takes its share of the quota at once: the first visitor's two took two of three.
        await app.SetLimitAsync(ws.TenantId, s => s.Limits.MessagesPerMonth, 3);
        var other = new WidgetClient(app, bot);
        await other.StartAsync();
        var (_, first) = await other.AskAsync("How long is the warranty?");
        Assert.Contains("two years", first.Done);
        var over = await other.SendAsync("And delivery?");
        Assert.Contains("reached its limit for the month", over);
        Assert.Null(WidgetClient.StreamOf(over));
        await other.SendAsync("Hello again?");
        var mail = await app.Mail.WaitForAsync(ws.Email, "this month's 3 messages");
        Assert.Contains("upgrade on the Billing page", mail.Text);
        await Task.Delay(300);
        Assert.Equal(1, await app.Mail.CountAsync(ws.Email, "this month's"));
        // Nothing the visitor wrote was lost.
        Assert.Contains(await MessagesAsync(ws.TenantId), m => m.Content == "Hello again?" && m.Role == MessageRole.User);
    }

    [Fact]
    public async Task Another_bots_visitor_tickets_and_conversations_are_out_of_reach()
    {
        var (a, botA) = await TrainedBotAsync("Bot A");
        var (_, botB) = await TrainedBotAsync("Bot B");
        var visitorA = new WidgetClient(app, botA);
        await visitorA.StartAsync();
        var (html, _) = await visitorA.AskAsync("How long is the warranty?");
        var conversationA = Regex.Match(html, "data-conversation=\"([0-9a-f-]+)\"").Groups[1].Value;

        // A's visitor token means nothing to bot B, and B's visitor cannot open A's conversation.
        var onB = new WidgetClient(app, botB) { Token = visitorA.Token };
        (await onB.GetAsync("?handler=Home")).AssertStatus(HttpStatusCode.Unauthorized);
        var visitorB = new WidgetClient(app, botB);
        await visitorB.StartAsync();
        (await visitorB.GetAsync($"?handler=Conversation&id={conversationA}")).AssertStatus(HttpStatusCode.NotFound);
        (await visitorB.PostAsync("?handler=Send", new() { ["text"] = "hi", ["conversationId"] = conversationA })).AssertStatus(HttpStatusCode.UnprocessableEntity);
        // A stream ticket from bot A does not open on bot B.
        var next = await visitorA.SendAsync("And delivery?", Guid.Parse(conversationA));
        var ticketUrl = WidgetClient.StreamOf(next)!;
        (await visitorB.Http.GetAsync(ticketUrl.Replace(botA, botB))).AssertStatus(HttpStatusCode.NotFound);
        // Feedback on A's answer from B's visitor.
        var answerId = (await MessagesAsync(a.TenantId)).First(m => m.Role == MessageRole.Assistant).PublicId;
        var foreignFeedback = await visitorB.PostAsync($"?handler=Feedback&messageId={answerId}&value=down", []);
        Assert.True(foreignFeedback.StatusCode == HttpStatusCode.NotFound, $"{foreignFeedback.StatusCode}: {await foreignFeedback.Content.ReadAsStringAsync()}");
        // Posts from another origin are refused outright.
        var evil = new WidgetClient(app, botA) { Token = visitorA.Token, Origin = "https://evil.example" };
        (await evil.PostAsync("?handler=Send", new() { ["text"] = "hi" })).AssertStatus(HttpStatusCode.Forbidden);
        // The dashboard of B's workspace cannot read A's conversations.
        var bTenant = (await app.SignUpAsync()).Tenant;
        (await bTenant.GetAsync($"/bots/{botA}/conversations")).AssertStatus(HttpStatusCode.NotFound);
        (await bTenant.GetAsync($"/bots/{botA}/conversations/{conversationA}")).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Playground_answers_with_a_debug_drawer_and_is_not_counted_or_listed()
    {
        var (ws, bot) = await TrainedBotAsync();
        var page = $"/bots/{bot}/playground";
        var sent = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Send", Http.Form(("text", "How long is the warranty?")));
        sent.AssertStatus(HttpStatusCode.OK);
        var html = await sent.Content.ReadAsStringAsync();
        var stream = WidgetClient.StreamOf(html)!;
        Assert.StartsWith(page, stream);
        var answer = await new WidgetClient(app, bot) { }.StreamFromAsync(ws.Tenant, stream);
        Assert.Contains("covered for two years", answer.Done);
        Assert.Contains("How this answer was made", answer.Done);
        Assert.Contains("Prompt: ", answer.Done);
        Assert.Contains("without an AI model", answer.Done); // the owner always knows

        Assert.Empty(await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().ModelUsages.IgnoreQueryFilters().Where(u => u.TenantId == ws.TenantId).ToListAsync()));
        Assert.Contains("No conversations yet", await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations")).TextAsync());
        Assert.Contains("How long is the warranty?", await (await ws.Tenant.GetAsync(page)).TextAsync()); // the playground keeps its own thread

        // Another workspace cannot open this playground or its stream.
        var other = await app.SignUpAsync();
        (await other.Tenant.GetAsync(page)).AssertStatus(HttpStatusCode.NotFound);
        (await other.Tenant.GetAsync(stream)).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Other_tabs_of_the_visitor_see_new_messages_live_and_nobody_else_does()
    {
        var (_, bot) = await TrainedBotAsync();
        var tabA = new WidgetClient(app, bot) { Tab = "taba" };
        await tabA.StartAsync();
        var tabB = new WidgetClient(app, bot) { Token = tabA.Token, Tab = "tabb" };
        var stranger = new WidgetClient(app, bot) { Tab = "tabs" };
        await stranger.StartAsync();
        await using var liveA = await tabA.OpenLiveAsync();
        await using var liveB = await tabB.OpenLiveAsync();
        await using var liveStranger = await stranger.OpenLiveAsync();

        var (html, _) = await tabB.AskAsync("How long is the warranty?");
        var conversation = Regex.Match(html, "data-conversation=\"([0-9a-f-]+)\"").Groups[1].Value;
        var seen = await liveA.WaitForAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([$"c-{conversation}", $"c-{conversation}"], seen.Select(e => e.Event));
        Assert.All(seen, e => Assert.Equal(conversation, e.Data)); // ids only: the tab fetches what is new
        var question = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters()
            .Where(m => m.ConversationId == Guid.Parse(conversation)).OrderBy(m => m.Id).Select(m => m.PublicId).FirstAsync());
        var fetched = await (await tabA.GetAsync($"?handler=After&id={conversation}&after={question}")).TextAsync();
        Assert.Contains("covered for two years", fetched);
        Assert.DoesNotContain("How long is the warranty?", fetched); // only what came after the message named
        (await stranger.GetAsync($"?handler=After&id={conversation}&after={question}")).AssertStatus(HttpStatusCode.NotFound);
        await Task.Delay(300);
        Assert.Empty(liveB.Events); // the tab that asked shows it already
        Assert.Empty(liveStranger.Events); // another visitor hears nothing
    }

    [Fact]
    public async Task Disabled_bot_shows_an_unavailable_widget_and_refuses_messages()
    {
        var (ws, bot) = await TrainedBotAsync("Paused");
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var html = await widget.SendAsync("How long is the warranty?");
        var conversation = WidgetClient.ConversationOf(html);
        var ticket = WidgetClient.StreamOf(html)!;
        await ws.Tenant.PostFormAsync($"/bots/{bot}", $"/bots/{bot}?handler=Status", Http.Form(("status", "Disabled")), htmx: false);
        Assert.Contains("unavailable right now", await (await widget.Http.GetAsync(widget.Base)).Content.ReadAsStringAsync());
        (await widget.PostAsync("?handler=Send", new() { ["text"] = "hello?" })).AssertStatus(HttpStatusCode.Forbidden);
        // Every other action of a paused bot is refused too, a ticket handed out before the pause included.
        (await widget.Http.GetAsync(ticket)).AssertStatus(HttpStatusCode.Forbidden);
        (await widget.GetAsync("/live")).AssertStatus(HttpStatusCode.Forbidden);
        (await widget.PostAsync($"?handler=Escalate&conversationId={conversation}", [])).AssertStatus(HttpStatusCode.Forbidden);
        (await widget.PostAsync($"?handler=Feedback&messageId={Guid.NewGuid()}&value=up", [])).AssertStatus(HttpStatusCode.Forbidden);
        (await widget.PostAsync($"?handler=Helpful&messageId={Guid.NewGuid()}", [])).AssertStatus(HttpStatusCode.Forbidden);
        (await widget.PostAsync($"?handler=Lead&conversationId={conversation}", [])).AssertStatus(HttpStatusCode.Forbidden);
        Assert.Contains("\"available\":false", await (await widget.Http.GetAsync($"{widget.Base}?handler=Config")).Content.ReadAsStringAsync());
    }
}

public sealed class ChatTests_Sqlite(SqliteApp app) : ChatTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class ChatTests_Postgres(PostgresApp app) : ChatTests<PostgresApp>(app);

/// <summary>A model that says a few words and then fails, as a dropped connection to a real model would.</summary>
public sealed class FailingChatClient : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default) => throw new HttpRequestException("boom");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Half an ");
        await Task.Delay(10, ct);
        throw new HttpRequestException("The model's connection dropped mid-answer.");
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;
    public void Dispose() { }
}

public sealed class FailingModelTests
{
    [Fact]
    public async Task A_model_failing_mid_stream_gives_a_friendly_retry_and_a_system_error_and_loses_nothing()
    {
        await using var app = new SqliteApp { TestServices = s => s.AddSingleton<IChatClient>(new FailingChatClient()) };
        await app.InitializeAsync();
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync();
        var page = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(page, $"{page}?handler=Text", Http.Form(("title", "Hours"), ("content", "We open at nine.")));
        await app.WaitForSourcesAsync(ws.TenantId);
        // The bot answers with an AI model (the failing stand-in), not the embedded extractive answerer.
        var general = $"/bots/{bot}/settings/general";
        (await ws.Tenant.PostFormAsync(general, general, Http.Form(("Input.Model", "gpt-4.1-mini"), ("Input.HistoryMessages", "6"), ("Input.SmartFollowUps", "true")))).AssertStatus(HttpStatusCode.OK);
        var widget = new WidgetClient(app, bot);
        await widget.StartAsync();
        var (_, answer) = await widget.AskAsync("When do you open?");
        Assert.Equal(["Half an "], answer.Tokens);
        Assert.Contains("answer just now. Your message is saved.", answer.Done);
        Assert.Contains("Try again", answer.Done);

        var messages = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters().Where(m => m.TenantId == ws.TenantId).ToListAsync());
        Assert.Equal(MessageRole.User, Assert.Single(messages).Role); // the question is kept; no half answer is stored
        var error = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().SystemErrors.SingleAsync(e => e.TenantId == ws.TenantId));
        Assert.Equal(("chat", "generate", true), (error.Service, error.Stage, error.Retryable));
        Assert.Contains("connection dropped", error.Message);

        // "Try again" issues a fresh stream for the same question.
        Assert.DoesNotContain($"questionId={messages[0].Id}\"", answer.Done); // public random ids only
        var retry = await widget.PostAsync($"?handler=Retry&questionId={messages[0].PublicId}", []);
        retry.AssertStatus(HttpStatusCode.OK);
        Assert.NotNull(WidgetClient.StreamOf(await retry.Content.ReadAsStringAsync()));
        // A sequential id means nothing to the widget.
        (await widget.PostAsync($"?handler=Retry&questionId={messages[0].Id}", [])).AssertStatus(HttpStatusCode.NotFound);
    }
}
