using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Parley.Features.Chat;

public static class ChatSetup
{
    public static IHostApplicationBuilder AddChat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatPipelineOptions>().BindConfiguration(ChatPipelineOptions.Section);
        builder.Services.AddScoped<ChatService>();
        builder.Services.AddScoped<UsageMeter>();
        builder.Services.AddScoped<Feedback>();
        builder.Services.AddSingleton<Knowledge.Embedding.SentenceModel>();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ChatPipelineOptions>>().Value;
            return new ExtractiveChatClient(TimeSpan.FromMilliseconds(o.ExtractiveWordDelayMs), o.ExtractiveSentenceModel ? sp.GetRequiredService<Knowledge.Embedding.SentenceModel>() : null);
        });
        builder.Services.AddSingleton<IChatClient>(sp =>
        {
            var ai = sp.GetRequiredService<IOptions<Infrastructure.AI.AiOptions>>().Value;
            return ai.Provider == Infrastructure.AI.AiProvider.OpenAI ? Infrastructure.AI.AiClients.Chat(ai, sp) : sp.GetRequiredService<ExtractiveChatClient>();
        });
        return builder;
    }
}

/// <summary>
/// Visitor message rate limits: per visitor from the plan (messages per minute) and per IP address (a multiple of it,
/// since offices share addresses). In-process windows, deliberately: each instance enforces the limit on what reaches it,
/// so with N instances behind a load balancer a visitor can send at most N times the plan's rate (the monthly quota, the
/// real cost bound, is counted in the database).
/// </summary>
public sealed class WidgetRateLimits : IDisposable
{
    public const int IpMultiplier = 3;
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(key =>
    {
        var limit = int.Parse(key[(key.LastIndexOf(':') + 1)..]);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit), Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        });
    });

    /// <summary>Null when the message may go ahead; otherwise how long to wait.</summary>
    public TimeSpan? Check(Guid visitorId, string? ip, int perMinute)
    {
        foreach (var key in new[] { $"v:{visitorId}:{perMinute}", $"ip:{ip ?? "unknown"}:{perMinute * IpMultiplier}" })
        {
            using var lease = limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
                return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
        }
        return null;
    }

    public void Dispose() => limiter.Dispose();
}
