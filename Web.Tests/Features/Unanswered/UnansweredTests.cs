using System.Text.RegularExpressions;
using Parley.Features.Chat;

namespace Parley.Tests.Features.Unanswered;

/// <summary>Questions the bot answered badly, grouped, and turned into knowledge in one step: the next visitor gets the answer.</summary>
public abstract class UnansweredTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    private async Task<Message> LastAnswerAsync(Guid tenantId) => await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Messages.IgnoreQueryFilters()
        .Where(m => m.TenantId == tenantId && m.Role == MessageRole.Assistant).OrderByDescending(m => m.Id).FirstAsync());

    [Fact]
    public async Task Unanswered_and_thumbs_down_questions_are_grouped_and_an_answer_added_here_answers_the_next_visitor()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years from the day of purchase.");
        async Task AskAsync(string question) { var v = new WidgetClient(app, bot); await v.StartAsync(); await v.AskAsync(question); }
        await AskAsync("Do you ship to Canada?");
        await AskAsync("Can you ship my order to Canada?");
        await AskAsync("What are your opening hours?");
        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        await visitor.AskAsync("How long is the warranty?");
        var disliked = await LastAnswerAsync(ws.TenantId);
        (await visitor.PostAsync($"?handler=Feedback&messageId={disliked.PublicId}&value=down", [])).AssertStatus(HttpStatusCode.OK);

        var page = $"/bots/{bot}/unanswered";
        var html = await (await ws.Tenant.GetAsync(page)).TextAsync();
        var groups = Regex.Matches(html, @"<li class=""card"" data-group>.*?</li>\s*(?=<li class=""card"" data-group>|</ol>)", RegexOptions.Singleline).Select(m => m.Value).ToList();
        Assert.Equal(3, groups.Count);
        Assert.Contains("Asked 2 times", groups[0]);
        Assert.Contains("Can you ship my order to Canada?", groups[0]);
        Assert.Contains("Do you ship to Canada?", groups[0]);
        Assert.Contains(groups, g => g.Contains("How long is the warranty?") && g.Contains("thumbs down 1×"));
        Assert.Contains(groups, g => g.Contains("What are your opening hours?") && g.Contains("not answered 1×"));

        var ids = Regex.Match(groups[0], @"name=""ids"" value=""([^""]+)""").Groups[1].Value;
        Assert.Equal(2, ids.Split(',').Length);
        var added = await ws.Tenant.PostFormAsync(page, $"{page}?handler=Answer", Http.Form(("ids", ids), ("question", "Do you ship to Canada?"),
            ("answer", "Yes: we ship to Canada, and parcels arrive within five working days.")), htmx: false);
        added.AssertStatus(HttpStatusCode.OK);
        Assert.Contains("as a Q&A answer", await added.TextAsync());
        await app.WaitForSourcesAsync(ws.TenantId);
        html = await (await ws.Tenant.GetAsync(page)).TextAsync();
        Assert.DoesNotContain("Canada", html);
        Assert.Equal(2, Regex.Matches(html, "data-group").Count);

        var next = new WidgetClient(app, bot);
        await next.StartAsync();
        Assert.Contains("five working days", (await next.AskAsync("Do you ship to Canada?")).Answer.Done);
        var audit = await app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().AuditLogs.IgnoreQueryFilters().CountAsync(a => a.TenantId == ws.TenantId && a.Action == "knowledge.unanswered_answered"));
        Assert.Equal(1, audit);
    }

    [Fact]
    public async Task Improve_this_answer_on_a_transcript_opens_the_form_with_the_question_and_agents_only_read()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years from the day of purchase.");
        var visitor = new WidgetClient(app, bot);
        await visitor.StartAsync();
        var (convoHtml, _) = await visitor.AskAsync("How long is the warranty?");
        var conversation = WidgetClient.ConversationOf(convoHtml);
        var answer = await LastAnswerAsync(ws.TenantId);
        var transcript = await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations/{conversation}")).BodyAsync();
        Assert.Contains($"/bots/{bot}/unanswered?improve={answer.PublicId}", transcript);
        var form = await (await ws.Tenant.GetAsync($"/bots/{bot}/unanswered?improve={answer.PublicId}")).TextAsync();
        Assert.Contains("Improve this answer", form);
        Assert.Contains("value=\"How long is the warranty?\"", form);

        var agent = await app.AgentOnBotAsync(ws, bot);
        var asAgent = await (await agent.GetAsync($"/bots/{bot}/unanswered?improve={answer.PublicId}")).TextAsync();
        Assert.DoesNotContain("Add as Q&A and train", asAgent);
        var refused = await agent.PostFormAsync($"/bots/{bot}/unanswered", $"/bots/{bot}/unanswered?handler=Answer", Http.Form(("ids", ""), ("question", "Q"), ("answer", "A")), htmx: false);
        Assert.Contains("access-denied", refused.RedirectTarget());
        Assert.Single(await app.SourcesAsync(ws.TenantId)); // nothing was added
    }
}

public sealed class UnansweredTests_Sqlite(SqliteApp app) : UnansweredTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class UnansweredTests_Postgres(PostgresApp app) : UnansweredTests<PostgresApp>(app);
