using Parley.Features.Chat;

namespace Parley.Tests.Features.Dashboard;

/// <summary>Lists a person reads: conversation snippets without Markdown, a "waiting for a person" filter, audit rows in words.</summary>
public abstract class ReadableListsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : ParleyApp
{
    [Fact]
    public async Task Conversation_snippets_drop_markdown_the_waiting_filter_narrows_and_the_audit_log_reads_as_words()
    {
        var (ws, bot) = await app.WorkspaceWithTrainedBotAsync("Kettle", "Warranty", "The kettle's warranty lasts two years.");
        var first = new WidgetClient(app, bot);
        await first.StartAsync();
        var (html, _) = await first.AskAsync("How long is the warranty?");
        var waiting = WidgetClient.ConversationOf(html);
        var second = new WidgetClient(app, bot);
        await second.StartAsync();
        await second.AskAsync("Do you deliver?");
        await app.ScopedAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var c = await db.Conversations.IgnoreQueryFilters().SingleAsync(x => x.Id == waiting);
            c.WaitingSince = DateTimeOffset.UtcNow;
            db.Messages.Add(new Message { TenantId = c.TenantId, ConversationId = c.Id, ChatbotId = c.ChatbotId, Role = MessageRole.Agent, AgentName = "Ann",
                Content = "**Yes**, see [the manual](https://kettle.example/manual) for `model-2`.", CreatedAt = DateTimeOffset.UtcNow });
            using var _ = sp.GetRequiredService<Parley.Infrastructure.Tenancy.ITenantContext>().Use(await db.Tenants.SingleAsync(t => t.Id == ws.TenantId));
            return await db.SaveChangesAsync();
        });

        var all = await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations")).TextAsync();
        Assert.Contains("2 conversations", all);
        Assert.Contains("Yes, see the manual for model-2.", all);
        Assert.DoesNotContain("**Yes**", all);
        var onlyWaiting = await (await ws.Tenant.GetAsync($"/bots/{bot}/conversations?waiting=true")).TextAsync();
        Assert.Contains("1 conversation", onlyWaiting);
        Assert.Contains("How long is the warranty?", onlyWaiting);

        var audit = await (await ws.Tenant.GetAsync("/audit")).TextAsync();
        Assert.Contains("Bot: created", audit);
        Assert.Matches("Title: Warranty|Name: Kettle", audit);
    }
}

public sealed class ReadableListsTests_Sqlite(SqliteApp app) : ReadableListsTests<SqliteApp>(app);

[Trait(Providers.Trait, Providers.Postgres)]
public sealed class ReadableListsTests_Postgres(PostgresApp app) : ReadableListsTests<PostgresApp>(app);
