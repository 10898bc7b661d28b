using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Parley.Infrastructure;

namespace Parley.Tests.Features.Deployment;

/// <summary>
/// What `azd up` deploys, proved without Azure: every Bicep file compiles and lints clean with the Bicep CLI from NuGet
/// (Azure.Bicep.CommandLine.linux-x64, restored with these tests), and the compiled template sets every setting the app
/// requires in Production on the container app and grants the app's identity every role its features use.
/// </summary>
public sealed class InfraTests
{
    private static readonly string Root = FindRoot();
    private static string Infra => Path.Combine(Root, "infra", "bicep");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "App.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("App.sln not found above the test output.");
    }

    private static string Bicep()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.True(File.Exists(bicep), $"The Bicep CLI is restored with Web.Tests (PackageDownload); not found at {bicep}.");
        File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return bicep;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Bicep()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static async Task<JsonObject> CompiledAsync()
    {
        var (exit, json, err) = await RunAsync("build", Path.Combine(Infra, "main.bicep"), "--stdout");
        Assert.True(exit == 0, err);
        return JsonNode.Parse(json)!.AsObject();
    }

    /// <summary>Every resource in the template and its modules' templates, with the template it sits in.</summary>
    private static IEnumerable<(JsonObject Resource, JsonObject Template)> Resources(JsonObject template)
    {
        var resources = template["resources"] switch { JsonArray a => a.OfType<JsonObject>(), JsonObject o => o.Select(p => p.Value).OfType<JsonObject>(), _ => [] };
        foreach (var r in resources)
        {
            yield return (r, template);
            if (r["properties"]?["template"] is JsonObject inner)
                foreach (var nested in Resources(inner)) yield return nested;
        }
    }

    [Fact]
    public async Task Every_bicep_file_compiles_and_lints_without_a_warning()
    {
        var files = Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories);
        Assert.True(files.Length >= 10, $"Expected main.bicep and its modules, found {files.Length}.");
        foreach (var file in files)
        {
            // lint compiles the file too: errors and linter warnings alike are reported, and fail here.
            var lint = await RunAsync("lint", file);
            Assert.True(lint.Exit == 0 && (lint.Out + lint.Err).Trim().Length == 0, $"{Path.GetRelativePath(Root, file)}:\n{lint.Out}{lint.Err}");
        }
        var parameters = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Infra, "main.parameters.json")))!["parameters"]!.AsObject();
        foreach (var azd in new[] { "${AZURE_ENV_NAME}", "${AZURE_LOCATION}", "${AZURE_PRINCIPAL_ID}" })
            Assert.Contains(parameters, p => p.Value?["value"]?.ToString() == azd);
    }

    [Fact]
    public async Task The_container_app_gets_every_setting_Production_requires_and_runs_the_image_as_built()
    {
        var template = await CompiledAsync();
        var app = Resources(template).Select(r => r.Resource).Single(r => r["type"]?.ToString() == "Microsoft.App/containerApps");
        var container = app["properties"]!["template"]!["containers"]![0]!;
        var env = container["env"]!.AsArray().Select(e => e!.AsObject()).ToList();
        // Values are ARM expressions or literals here; a secretRef counts as set (its Key Vault secret is made in the same template).
        var settings = env.ToDictionary(e => e["name"]!.ToString().Replace("__", ":"), e => (string?)(e["value"]?.ToString() ?? (e["secretRef"] is not null ? "(secret)" : null)));
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Assert.Empty(ProductionSettings.Missing(config));
        Assert.Equal("Production", settings["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("true", settings["Parley:ForwardedHeaders"]);
        Assert.Equal("Postgres", settings["Parley:Database:Provider"]);
        Assert.Contains("AZURE_CLIENT_ID", settings.Keys); // DefaultAzureCredential picks the user-assigned identity

        var secrets = app["properties"]!["configuration"]!["secrets"]!.AsArray();
        Assert.All(secrets, s => Assert.NotNull(s!["keyVaultUrl"])); // no secret value in the template itself
        foreach (var e in env.Where(e => e["secretRef"] is not null))
            Assert.Contains(secrets, s => s!["name"]!.ToString() == e["secretRef"]!.ToString());

        var ingress = app["properties"]!["configuration"]!["ingress"]!;
        Assert.Equal(8080, (int)ingress["targetPort"]!);
        Assert.Contains("EXPOSE 8080", await File.ReadAllTextAsync(Path.Combine(Root, "Dockerfile")));
        var probes = container["probes"]!.AsArray().ToDictionary(p => p!["type"]!.ToString(), p => p!["httpGet"]!["path"]!.ToString());
        Assert.Equal("/healthz", probes["Liveness"]);
        Assert.Equal("/readyz", probes["Readiness"]);
        Assert.NotNull(app["properties"]!["template"]!["scale"]!["rules"]![0]!["http"]);
        Assert.Contains("azd-service-name", app["tags"]!.ToJsonString()); // azd finds the app to deploy by this tag
    }

    [Fact]
    public async Task The_app_s_identity_holds_each_role_its_features_use_on_the_resource_that_needs_it()
    {
        var template = await CompiledAsync();
        var needed = new (string ResourceType, string Role, string Why)[]
        {
            ("Microsoft.ContainerRegistry/registries", "7f951dda-4ed3-4680-a7ca-43fe172d538d", "AcrPull: the app's image"),
            ("Microsoft.Storage/storageAccounts", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Storage Blob Data Contributor: uploaded files"),
            ("Microsoft.Search/searchServices", "8ebe5a00-799e-43f5-93ac-243d3dce84a7", "Search Index Data Contributor: passages"),
            ("Microsoft.Search/searchServices", "7ca78c08-252a-4471-8644-bb5ff32d4ba0", "Search Service Contributor: the app creates its index"),
            ("Microsoft.CognitiveServices/accounts", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "Cognitive Services OpenAI User: answers and embeddings"),
            ("Microsoft.KeyVault/vaults", "4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User: the connection string and SMTP password"),
        };
        var templates = Resources(template).GroupBy(r => r.Template).Select(g => (Template: g.Key, Types: g.Select(r => r.Resource["type"]?.ToString()).ToHashSet())).ToList();
        foreach (var (type, role, why) in needed)
        {
            var home = templates.Where(t => t.Types.Contains(type) && t.Types.Contains("Microsoft.Authorization/roleAssignments")).ToList();
            Assert.True(home.Any(t => t.Template.ToJsonString().Contains(role)), $"Missing role assignment: {why} on {type}.");
        }
        // Keys stay off where the identity is used instead.
        var all = Resources(template).Select(r => r.Resource).ToList();
        Assert.Equal("False", all.Single(r => r["type"]?.ToString() == "Microsoft.Storage/storageAccounts")["properties"]!["allowSharedKeyAccess"]!.ToString(), ignoreCase: true);
        Assert.Equal("True", all.Single(r => r["type"]?.ToString() == "Microsoft.CognitiveServices/accounts")["properties"]!["disableLocalAuth"]!.ToString(), ignoreCase: true);
        Assert.Equal("False", all.Single(r => r["type"]?.ToString() == "Microsoft.ContainerRegistry/registries")["properties"]!["adminUserEnabled"]!.ToString(), ignoreCase: true);
    }
}

public sealed class ProductionSettingsTests
{
    [Fact]
    public void A_Production_start_without_settings_names_each_missing_one()
    {
        var env = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" };
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Parley:AI:Provider"] = "OpenAI", ["Parley:AppDomain"] = "parley.example" }).Build();
        var e = Assert.Throws<InvalidOperationException>(() => ProductionSettings.Check(env, config));
        Assert.Contains("Parley__Database__ConnectionString", e.Message);
        Assert.Contains("Parley__AI__Endpoint", e.Message);
        Assert.DoesNotContain("Parley__AppDomain", e.Message);
        Assert.DoesNotContain("Parley__Search__Endpoint", e.Message); // only what the chosen providers need
        ProductionSettings.Check(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" }, config); // embedded defaults in Development
    }
}
