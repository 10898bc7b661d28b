using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Parley.Features.Plans;
using Parley.Infrastructure.Tenancy;

namespace Parley.Bench;

/// <summary>
/// The public API's chat over loopback with a bearer key: time to the first "token" event of a streamed answer, and
/// to the whole JSON answer, for a bot with a few thousand passages (key check, minute budget, request log included).
/// </summary>
public static class ApiBench
{
    public static async Task RunAsync(int chunks, int requests)
    {
        await using var host = await BenchHost.StartAsync("api", new() { ["Parley:Chat:ExtractiveWordDelayMs"] = "0", ["Parley:Api:RequestsPerMinute"] = "100000" });
        var (tenant, botId) = await RetrievalBench.SeedAsync(host.App.Services, chunks, "apibench");
        string publicId, secret;
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
            var plan = await db.Plans.FirstAsync(p => p.Code == PlanCatalog.Premium);
            var limits = plan.Limits.Copy();
            limits.MessagesPerMonth = int.MaxValue;
            db.Subscriptions.Add(new Subscription { PlanId = plan.Id, Limits = limits, CurrentPeriodStart = DateTimeOffset.UtcNow, CurrentPeriodEnd = DateTimeOffset.UtcNow.AddMonths(1) });
            (secret, var prefix) = Features.Api.ApiKey.NewSecret();
            db.ApiKeys.Add(new Features.Api.ApiKey { Name = "Bench", Prefix = prefix, Hash = Features.Api.ApiKey.HashOf(secret), Scopes = Features.Api.ApiScope.Chat | Features.Api.ApiScope.Read, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            publicId = await db.Chatbots.Where(b => b.Id == botId).Select(b => b.PublicId).FirstAsync();
        }
        var http = host.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var random = new Random(5);
        var firsts = new List<double>();
        var wholes = new List<double>();
        for (var i = 0; i < requests + 10; i++)
        {
            var question = $"how do I {RetrievalBench.ContentWord(random)} my {RetrievalBench.ContentWord(random)}?";
            var stream = i % 2 == 0;
            var body = new StringContent($"{{\"message\":\"{question}\",\"visitor_id\":\"bench-{i % 20}\",\"stream\":{(stream ? "true" : "false")}}}", Encoding.UTF8, "application/json");
            var sw = Stopwatch.StartNew();
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bots/{publicId}/messages") { Content = body }, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The API answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            double? first = null;
            if (stream)
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                while (await reader.ReadLineAsync() is { } line)
                    if (first is null && line == "event: token") first = sw.Elapsed.TotalMilliseconds;
            }
            else await response.Content.ReadAsStringAsync();
            if (i < 10) continue; // warm-up
            if (stream) firsts.Add(first ?? sw.Elapsed.TotalMilliseconds);
            else wholes.Add(sw.Elapsed.TotalMilliseconds);
        }
        firsts.Sort();
        wholes.Sort();
        Console.WriteLine($"API chat at {chunks:N0} passages: streamed first token p50 {firsts[firsts.Count / 2]:F1} / p95 {firsts[(int)(firsts.Count * 0.95)]:F1} ms; " +
                          $"JSON answer p50 {wholes[wholes.Count / 2]:F1} / p95 {wholes[(int)(wholes.Count * 0.95)]:F1} ms over loopback ({requests} requests, half of each)");
    }
}
