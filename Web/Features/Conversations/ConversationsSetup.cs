namespace Parley.Features.Conversations;

/// <summary>Conversation history in the dashboard.</summary>
public static class ConversationsSetup
{
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ConversationHistory>();
        return builder;
    }
}
