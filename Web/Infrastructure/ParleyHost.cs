using Parley.Features.Widget;
using Parley.Features.Conversations;
using Parley.Features.Localization;
using Parley.Features.HumanSupport;
using Parley.Features.Leads;
using Parley.Features.BotSettings;
using Parley.Features.Bots;
using Parley.Features.Audit;
using Parley.Features.Plans;
using Parley.Features.Billing;
using Parley.Features.Dashboard;
using Parley.Features.Analytics;
using Parley.Features.Chat;
using Parley.Features.Accounts;
using Parley.Features.Demo;
using Parley.Features.Domains;
using Parley.Features.Team;
using Parley.Infrastructure.Outbound;
using Parley.Features.Health;
using Parley.Features.Knowledge;
using Parley.Features.Workspaces;
using Parley.Infrastructure.Email;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Observability;
using Parley.Infrastructure.Storage;
using Parley.Infrastructure.Tenancy;

using Parley.Infrastructure.Live;
using Parley.Features.Inbox;

namespace Parley.Infrastructure;

/// <summary>The whole app, built the same way for <c>dotnet run</c> and for the bench command (which passes its own settings).</summary>
public static class ParleyHost
{
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.Configuration[key] = value;
        ProductionSettings.Check(builder.Environment, builder.Configuration);

        builder.AddParleyOptions();
        builder.AddParleyTelemetry();
        builder.AddParleyData();
        builder.AddParleyAuth();
        builder.AddParleyThrottling();
        builder.AddParleyEmail();
        builder.AddParleyLive();
        builder.AddParleyJobs();
        builder.AddParleyStorage();
        builder.AddParleyWeb();
        builder.AddAccounts();
        builder.AddWorkspaces();
        builder.AddPlans();
        builder.AddBilling();
        builder.AddDashboard();
        builder.AddAnalytics();
        Features.Api.ApiSetup.AddApi(builder);
        Features.Webhooks.WebhooksSetup.AddWebhooks(builder);
        builder.AddAudit();
        builder.AddOutbound();
        builder.AddResilientClients();
        builder.AddTeam();
        builder.AddBots();
        builder.AddBotSettings();
        builder.AddLeads();
        builder.AddHumanSupport();
        builder.AddLocalization();
        builder.AddConversations();
        builder.AddInbox();
        builder.AddDomains();
        builder.AddKnowledge();
        builder.AddChat();
        builder.AddWidget();
        builder.AddDemo();
        builder.AddHealth();

        var app = builder.Build();

        // Behind a reverse proxy (the Container Apps ingress terminates TLS): the scheme and client address it saw, so
        // cookies are Secure, links are https and throttles see the visitor, not the proxy. Off unless configured.
        if (app.Configuration.GetValue("Parley:ForwardedHeaders", false))
        {
            var forwarded = new Microsoft.AspNetCore.Builder.ForwardedHeadersOptions
            {
                ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
            };
            forwarded.KnownIPNetworks.Clear(); // the ingress's addresses are not fixed; the app is reachable only through it
            forwarded.KnownProxies.Clear();
            app.UseForwardedHeaders(forwarded);
        }
        app.UseMiddleware<Security.SecurityHeadersMiddleware>();
        app.UseParleyErrorPages();
        app.UseHttpLogging();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Pages link assets with a content hash (asp-append-version), so a versioned URL never changes: cached for a year.
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = c.Context.Request.Query.ContainsKey("v")
                ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        });
        app.UseMiddleware<TenantResolutionMiddleware>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<RejectedSessionMiddleware>();
        app.UseJobsDashboard();
        app.UseRouting();
        app.UseMiddleware<HostGateMiddleware>();
        app.UseMiddleware<Features.Api.ApiGate>();
        app.UseAntiforgery();
        app.UseAuthorization();

        app.MapHealth();
        app.MapRazorPages();
        app.MapInboxStream();
        app.MapWidgetStream();
        app.MapStripeWebhook();
        Features.Api.ApiEndpoints.MapApi(app);
        return app;
    }
}
