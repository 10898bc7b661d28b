using System.Net;
using Parley.Features.Chat;

namespace Parley.Features.Widget;

/// <summary>The visitor's home, a new conversation, the list of their conversations and one conversation.</summary>
public partial class WidgetModel
{
    public async Task<IActionResult> OnGetHomeAsync(string botId, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        var home = await HomeViewAsync(visitor, 5, ct);
        // Without a home page the widget opens on the latest conversation, or a new one; without "stay on home" a
        // visitor with no conversation yet starts one straight away.
        if (Behave.HideHomePage && home.Recent.FirstOrDefault() is { } last) return await ConversationAsync(visitor, last.Id, ct);
        if (Behave.HideHomePage || (Behave.OpenNewConversation && home.Recent.Count == 0)) return Partial("_Start", home);
        return Partial("_Home", home);
    }

    /// <summary>A new conversation before its first message: welcome, starters, composer.</summary>
    public async Task<IActionResult> OnGetStartAsync(string botId, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        return Partial("_Start", await HomeViewAsync(visitor, 0, ct));
    }

    /// <summary>All the visitor's conversations with this bot (the bottom navigation's second tab).</summary>
    public async Task<IActionResult> OnGetMessagesAsync(string botId, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        return Partial("_Messages", await HomeViewAsync(visitor, 50, ct));
    }

    private async Task<HomeView> HomeViewAsync(Visitor visitor, int recent, CancellationToken ct)
    {
        var conversations = recent == 0 ? [] : await db.Conversations.AsNoTracking().Where(c => c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id)
            .OrderByDescending(c => c.LastMessageAt).Take(recent).ToListAsync(ct);
        var starters = await db.ConversationStarters.AsNoTracking().Where(s => s.ChatbotId == Bot.Id && s.Placement == BotSettings.StarterPlacement.Home).OrderBy(s => s.Position).ToListAsync(ct);
        return new HomeView(View, conversations, starters.Where(s => s.ShowsIn(T.Locale)).ToList());
    }

    public async Task<IActionResult> OnGetConversationAsync(string botId, Guid id, CancellationToken ct)
    {
        var visitor = CurrentVisitor;
        return await ConversationAsync(visitor, id, ct);
    }

    private async Task<IActionResult> ConversationAsync(Visitor visitor, Guid id, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.VisitorId == visitor.Id && c.ChatbotId == Bot.Id, ct);
        if (conversation is null) return NotFound();
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).Where(Message.ForVisitor).OrderBy(m => m.Id).ToListAsync(ct);
        return Partial("_Conversation", new ConversationView(View, conversation, messages, null) { State = await StateViewAsync(conversation, ct) });
    }
}
