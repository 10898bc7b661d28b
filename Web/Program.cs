using Parley.Features.Chat;
using Parley.Features.Accounts;
using Parley.Features.Demo;
using Parley.Features.Domains;
using Parley.Features.Team;
using Parley.Infrastructure.Outbound;
using Parley.Features.Health;
using Parley.Features.Knowledge;
using Parley.Features.Workspaces;
using Parley.Infrastructure;
using Parley.Infrastructure.Email;
using Parley.Infrastructure.Jobs;
using Parley.Infrastructure.Observability;
using Parley.Infrastructure.Storage;
using Parley.Infrastructure.Tenancy;

if (SchemaScript.TryRun(args)) return;
if (await Parley.Bench.BenchCommand.TryRunAsync(args)) return;

var builder = WebApplication.CreateBuilder(args);

builder.AddParleyOptions();
builder.AddParleyTelemetry();
builder.AddParleyData();
builder.AddParleyAuth();
builder.AddParleyEmail();
builder.AddParleyJobs();
builder.AddParleyStorage();
builder.AddParleyWeb();
builder.AddAccounts();
builder.AddWorkspaces();
builder.AddOutbound();
builder.AddTeam();
builder.AddDomains();
builder.AddKnowledge();
builder.AddChat();
builder.AddDemo();
builder.AddHealth();

var app = builder.Build();

app.UseParleyErrorPages();
app.UseHttpLogging();
app.UseStaticFiles();
app.UseMiddleware<TenantResolutionMiddleware>();
app.UseAuthentication();
app.UseMiddleware<RejectedSessionMiddleware>();
app.UseRouting();
app.UseMiddleware<HostGateMiddleware>();
app.UseAntiforgery();
app.UseAuthorization();

app.MapHealth();
app.MapRazorPages();

app.Run();

public partial class Program;
