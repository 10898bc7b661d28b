using Parley.Features.Bots;
using Parley.Features.Chat;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Live;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Widget;

/// <summary>
/// The visitor's live stream while the widget is open, as a slim endpoint: it finds the bot and the visitor (by the
/// partitioned cookie, since EventSource cannot send headers; or the widget's header) in a scope of its own, lets it go, and then only forwards event
/// names: "c-{conversation}" (new messages: the widget fetches those after the last it shows), "s-{conversation}" (who
/// answers or whether it is closed changed) and "t-{conversation}" (a person is typing). Ids only; the widget re-reads.
/// </summary>
public static class WidgetStream
{
    public const string Path = "/widget/{botId}/live";

    public static void MapWidgetStream(this WebApplication app) =>
        app.MapGet(Path, RunAsync).WithMetadata(new RootHostAttribute()).ExcludeFromDescription();

    private static async Task RunAsync(HttpContext http, string botId, string? tab, LiveHub hub, IServiceScopeFactory scopes, CancellationToken ct)
    {
        var token = http.Request.Headers[WidgetModel.VisitorHeader].ToString();
        if (token.Length == 0) token = http.Request.Cookies[WidgetModel.CookieName] ?? "";
        Guid? visitorId = null;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var found = await PublicBots.EnterAsync(db, scope.ServiceProvider.GetRequiredService<ITenantContext>(), botId, ct);
            var status = found is null ? StatusCodes.Status404NotFound
                : found.Value.Bot.Status != BotStatus.Enabled || found.Value.Tenant.Status != TenantStatus.Active ? StatusCodes.Status403Forbidden : 0;
            if (status == 0 && token.Length is >= 10 and <= 100)
            {
                var hash = Visitor.Hash(token);
                visitorId = await db.Visitors.Where(v => v.TokenHash == hash && v.ChatbotId == found!.Value.Bot.Id && v.PlaygroundUserId == null).Select(v => (Guid?)v.Id).FirstOrDefaultAsync(ct);
            }
            if (visitorId is null)
            {
                http.Response.StatusCode = status == 0 ? StatusCodes.Status401Unauthorized : status;
                return;
            }
        }
        await LiveStream.RunAsync(http, hub, visitorId.Value, e => Names(e, tab), null, ct);
    }

    private static IEnumerable<string> Names(LiveEvent e, string? tab) => e.Kind switch
    {
        LiveKind.Message when e.OriginTab is not null && e.OriginTab == tab => [], // that tab shows it already
        LiveKind.Message => [$"c-{e.ConversationId}"],
        LiveKind.State => [$"s-{e.ConversationId}"],
        _ => [$"t-{e.ConversationId}"],
    };
}
