using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Domains;
using Parley.Features.Knowledge.Sources;

namespace Parley.Features.Dashboard;

/// <summary>One step of getting a chatbot live: done or not, and where to do it.</summary>
public sealed record SetupStep(string Title, string Hint, bool Done, string Href);

/// <summary>What the overview shows: the steps to a first answered visitor, then live figures for the bots the member sees.</summary>
public sealed record OverviewFigures(int MessagesThisMonth, int MessageLimit, int Conversations, int Leads, int Waiting, int ThumbsUp, int ThumbsDown, double? AverageRating);

public sealed class Overview(AppDbContext db, BotAccess access, TimeProvider clock)
{
    /// <summary>The five steps (create, knowledge, try, install on a verified domain, first conversation), each ticked from the data.</summary>
    public async Task<IReadOnlyList<SetupStep>> StepsAsync(CancellationToken ct)
    {
        var bot = await db.Chatbots.AsNoTracking().OrderBy(b => b.CreatedAt).Select(b => new { b.Id, b.PublicId }).FirstOrDefaultAsync(ct);
        var botPath = bot is null ? "/bots" : $"/bots/{bot.PublicId}";
        var knowledge = await db.Sources.AnyAsync(s => s.Status == SourceStatus.Ready && !s.Excluded, ct);
        var tried = await db.Conversations.AnyAsync(c => c.Channel == ConversationChannel.Playground, ct);
        var verified = db.Domains.Where(d => d.Status == DomainStatus.Verified).Select(d => d.Id);
        var installed = await db.BotDomains.AnyAsync(b => verified.Contains(b.DomainId), ct);
        var visited = await db.Conversations.AnyAsync(c => c.Channel == ConversationChannel.Widget, ct);
        return
        [
            new("Create a chatbot", "Name it and choose what it is for.", bot is not null, "/bots"),
            new("Add knowledge", "Upload files, add your website or type Q&A.", knowledge, bot is null ? "/bots" : $"{botPath}/knowledge"),
            new("Try it in the playground", "Ask what your visitors would ask.", tried, bot is null ? "/bots" : $"{botPath}/playground"),
            new("Install it on your site", "Verify your domain and paste one script tag.", installed, bot is null ? "/domains" : $"{botPath}/embed"),
            new("Answer your first visitor", "Conversations appear in the inbox as they happen.", visited, "/inbox"),
        ];
    }

    /// <summary>This month's figures for the bots the member may see; the message count and quota are the workspace's.</summary>
    public async Task<OverviewFigures> FiguresAsync(int messageLimit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var bots = access.Visible().Select(b => b.Id);
        var period = UsageMeter.Period(now);
        var messages = await db.UsagePeriods.Where(u => u.Period == period).Select(u => (int?)u.Messages).FirstOrDefaultAsync(ct) ?? 0;
        var month = db.Conversations.Where(Conversation.Counted).Where(c => bots.Contains(c.ChatbotId) && c.CreatedAt >= monthStart);
        var conversations = await month.CountAsync(ct);
        var leads = await db.Visitors.CountAsync(v => v.LeadAt >= monthStart && bots.Contains(v.ChatbotId), ct);
        var waiting = await db.Conversations.CountAsync(c => c.WaitingSince != null && c.Status != ConversationStatus.Resolved && bots.Contains(c.ChatbotId), ct);
        var up = await month.SumAsync(c => c.PositiveCount, ct);
        var down = await month.SumAsync(c => c.NegativeCount, ct);
        var rating = await month.Where(c => c.Rating != null).Select(c => (double?)c.Rating).AverageAsync(ct);
        return new OverviewFigures(messages, messageLimit, conversations, leads, waiting, up, down, rating);
    }
}

public static class DashboardSetup
{
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<Overview>();
        return builder;
    }
}
