using System.Text.RegularExpressions;
using Parley.Features.Knowledge.Sources;

namespace Parley.Tests.Infrastructure;

/// <summary>Bots and their knowledge, driven through the pages as a user would.</summary>
public static class Bots
{
    /// <summary>Creates a bot through the form; returns its public id.</summary>
    public static async Task<string> CreateBotAsync(this HttpClient client, string name = "Helper")
    {
        var response = await client.PostFormAsync("/bots", Http.Form(("Input.Name", name), ("Input.Type", "Support")));
        return Regex.Match(response.RedirectTarget()!, "/bots/(bot_[0-9a-f]+)").Groups[1].Value;
    }

    /// <summary>A new workspace with one bot that knows one text, ingested and ready.</summary>
    public static async Task<(SignedUp Ws, string Bot)> WorkspaceWithTrainedBotAsync(this ParleyApp app, string name, string title, string content)
    {
        var ws = await app.SignUpAsync();
        var bot = await ws.Tenant.CreateBotAsync(name);
        var knowledge = $"/bots/{bot}/knowledge";
        await ws.Tenant.PostFormAsync(knowledge, $"{knowledge}?handler=Text", Http.Form(("title", title), ("content", content)));
        await app.WaitForSourcesAsync(ws.TenantId);
        return (ws, bot);
    }

    /// <summary>Turns on human support for a bot through its settings screen: visitors may ask for a person ("A person please").</summary>
    public static async Task EnableHumanSupportAsync(this HttpClient member, string bot, params (string Key, string Value)[] more)
    {
        var page = $"/bots/{bot}/settings/human-support";
        var form = Http.Form(("Input.Enabled", "true"), ("Input.PositivePrompt", "Sorted"), ("Input.RequestPrompt", "A person please"), ("Input.Notify", "false"));
        foreach (var (key, value) in more) form[key] = value;
        (await member.PostFormAsync(page, page, form)).AssertStatus(HttpStatusCode.OK);
    }

    public static Task<List<Source>> SourcesAsync(this ParleyApp app, Guid tenantId) =>
        app.ScopedAsync(sp => sp.GetRequiredService<AppDbContext>().Sources.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.TenantId == tenantId).OrderBy(s => s.CreatedAt).ToListAsync());

    /// <summary>Waits until every source of the workspace is Ready or Failed (excluded ones count as done).</summary>
    public static async Task<List<Source>> WaitForSourcesAsync(this ParleyApp app, Guid tenantId, int seconds = 60)
    {
        for (var i = 0; i < seconds * 10; i++)
        {
            var sources = await app.SourcesAsync(tenantId);
            if (sources.Count > 0 && sources.All(s => s.Excluded || s.Status is SourceStatus.Ready or SourceStatus.Failed)) return sources;
            await Task.Delay(100);
        }
        var last = await app.SourcesAsync(tenantId);
        Assert.Fail("Ingestion did not finish: " + string.Join(", ", last.Select(s => $"{s.Title}={s.Status}")));
        return last;
    }
}
