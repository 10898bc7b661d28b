using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Parley.Features.Accounts;
using Parley.Infrastructure.Tenancy;

namespace Parley.Bench;

/// <summary>
/// Dashboard pages on the real app over loopback, as a signed-in Owner on a paid plan opens them: time to the whole
/// response (server time plus a loopback round trip) for the overview, Billing, Chatbots, Team and Analytics over 30 and
/// 365 days of a workspace with a year of widget activity (budget: p95 under 30 ms).
/// </summary>
public static class PagesBench
{
    public static async Task RunAsync(int requests)
    {
        await using var host = await BenchHost.StartAsync("pages");
        const string email = "owner@pages.bench", password = "the bench password", slug = "pages";
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = email, Email = email, FullName = "Bench Owner", EmailConfirmed = true };
            await users.CreateAsync(user, password);
            await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateAsync(user.Id, "Pages Bench", slug);
        }
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{host.Port}") };
        http.DefaultRequestHeaders.Host = $"{slug}.localhost:{host.Port}";
        async Task PostAsync(string page, string url, Dictionary<string, string> form)
        {
            form["__RequestVerificationToken"] = SignInBench.TokenOf(await http.GetStringAsync(page));
            using var response = await http.PostAsync(url, new FormUrlEncodedContent(form));
        }
        await PostAsync("/account/login", "/account/login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        // A paid plan with an add-on and its payment, two bots: the pages show what an Owner's pages show.
        await PostAsync("/billing", "/billing?handler=Checkout", new() { ["plan"] = "silver", ["op"] = "benchcheckout", ["addons"] = "extra-bot" });
        await PostAsync("/billing/checkout?plan=silver&op=benchcheckout&addon=extra-bot:1", "/billing/checkout",
            new() { ["plan"] = "silver", ["op"] = "benchcheckout", ["addon"] = "extra-bot:1", ["declined"] = "false" });
        foreach (var name in new[] { "Sales", "Support" }) await PostAsync("/bots", "/bots", new() { ["Input.Name"] = name, ["Input.Type"] = "Support" });

        var (conversations, messages) = await SeedYearAsync(host, slug);
        Console.WriteLine($"Seeded a year of widget activity for analytics: {conversations:N0} conversations, {messages:N0} messages, rolled up by the job");

        foreach (var path in new[] { "/dashboard", "/billing", "/bots", "/team", "/analytics?days=30", "/analytics?days=365" })
        {
            var times = new List<double>();
            for (var i = 0; i < requests + 5; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(path);
                await response.Content.LoadIntoBufferAsync();
                sw.Stop();
                if (response.StatusCode != System.Net.HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
                if (i >= 5) times.Add(sw.Elapsed.TotalMilliseconds); // the first five warm up
            }
            var t = times.Order().ToArray();
            Console.WriteLine($"Dashboard page {path}: p50 {t[t.Length / 2]:F1} / p95 {t[(int)(t.Length * 0.95)]:F1} ms over loopback ({requests} requests; budget p95 < 30 ms)");
        }
    }

    /// <summary>A year of widget conversations on both bots (questions from a pool of wordings, some unanswered, thumbs, ratings, hand-overs), then the rollup.</summary>
    private static async Task<(int Conversations, int Messages)> SeedYearAsync(BenchHost host, string slug)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.SingleAsync(t => t.Slug == slug);
        using var _ = scope.ServiceProvider.GetRequiredService<ITenantContext>().Use(tenant);
        var bots = await db.Chatbots.Select(b => b.Id).ToListAsync();
        string[] topics = ["delivery", "returns", "warranty", "opening hours", "invoice", "discount code", "kettle descaling", "spare parts", "gift wrap", "international shipping"];
        string[] forms = ["How does {0} work?", "Can you tell me about {0}?", "What is your {0} policy?", "Question about {0} please"];
        var random = new Random(7);
        var today = DateTimeOffset.UtcNow.Date;
        var (conversationCount, messageCount) = (0, 0);
        for (var day = 365; day >= 1; day--)
        {
            foreach (var bot in bots)
            {
                for (var n = 0; n < 20; n++)
                {
                    var at = new DateTimeOffset(today.AddDays(-day).AddHours(random.Next(7, 22)).AddMinutes(random.Next(60)), TimeSpan.Zero);
                    var visitor = new Features.Chat.Visitor { ChatbotId = bot, TokenHash = Features.Chat.Visitor.Hash(Features.Chat.Visitor.NewToken()), CreatedAt = at, LastSeenAt = at,
                        LeadAt = n % 10 == 0 ? at.AddMinutes(3) : null };
                    var escalated = n % 8 == 0;
                    var c = new Features.Chat.Conversation
                    {
                        ChatbotId = bot, VisitorId = visitor.Id, Channel = Features.Chat.ConversationChannel.Widget, Title = "Bench", CreatedAt = at, LastMessageAt = at.AddMinutes(5),
                        DomainHost = n % 3 == 0 ? "shop.example" : "www.example", PageUrl = $"https://www.example/{topics[n % topics.Length].Replace(' ', '-')}",
                        EscalatedAt = escalated ? at.AddMinutes(2) : null, FirstReplyAt = escalated ? at.AddMinutes(2 + random.Next(1, 30)) : null,
                        Status = n % 4 == 0 ? Features.Chat.ConversationStatus.Resolved : Features.Chat.ConversationStatus.Open, ResolvedAt = n % 4 == 0 ? at.AddHours(1) : null,
                        Rating = n % 4 == 0 ? 1 + random.Next(5) : null, RatedAt = n % 4 == 0 ? at.AddHours(1) : null, MessageCount = 6,
                    };
                    db.Visitors.Add(visitor);
                    db.Conversations.Add(c);
                    for (var m = 0; m < 3; m++)
                    {
                        var topic = topics[random.Next(topics.Length)];
                        db.Messages.Add(new Features.Chat.Message { ConversationId = c.Id, ChatbotId = bot, Role = Features.Chat.MessageRole.User, Content = string.Format(forms[random.Next(forms.Length)], topic), CreatedAt = at.AddMinutes(m) });
                        db.Messages.Add(new Features.Chat.Message { ConversationId = c.Id, ChatbotId = bot, Role = Features.Chat.MessageRole.Assistant, Content = "An answer.",
                            Sources = random.Next(5) == 0 ? "[]" : "[{\"title\":\"Guide\"}]", Reaction = (Features.Chat.Reaction)random.Next(3), CreatedAt = at.AddMinutes(m).AddSeconds(2) });
                    }
                    conversationCount++;
                    messageCount += 6;
                }
            }
            if (day % 30 == 0) { await db.SaveChangesAsync(); db.ChangeTracker.Clear(); }
        }
        await db.SaveChangesAsync();
        await ActivatorUtilities.CreateInstance<Features.Analytics.AnalyticsRollupJob>(scope.ServiceProvider).RollUpAsync(scope.ServiceProvider, CancellationToken.None);
        return (conversationCount, messageCount);
    }
}
