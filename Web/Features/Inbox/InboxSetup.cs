namespace Parley.Features.Inbox;

public static class InboxSetup
{
    public static IHostApplicationBuilder AddInbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<InboxQueries>();
        builder.Services.AddScoped<ConversationActions>();
        builder.Services.AddScoped<EscalationNotice>();
        return builder;
    }
}
