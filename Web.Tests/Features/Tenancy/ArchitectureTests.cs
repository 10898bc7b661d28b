using System.Text.RegularExpressions;

namespace Parley.Tests.Features.Tenancy;

/// <summary>
/// Only infrastructure leaves the tenant filter or switches the tenant: features get their tenant from the host (or,
/// for the widget, from Infrastructure's bot lookup) and never choose another. The bench seeds its own data as the
/// host would and is the one other place allowed.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static string WebRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Web"));

    [GeneratedRegex(@"\bIgnoreQueryFilters\s*\(|\.Use\s*\(\s*(found\.)?[Tt]enant\b|ITenantContext>\(\)\.Use\(")]
    private static partial Regex TenantEscape();

    [Fact]
    public void Tenant_filter_bypass_and_tenant_switching_live_only_in_Infrastructure()
    {
        var found = Directory.EnumerateFiles(WebRoot, "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (File: Path.GetRelativePath(WebRoot, f), Text: File.ReadAllText(f)))
            .SelectMany(f => TenantEscape().Matches(f.Text).Select(m => (f.File, m.Value)))
            .ToList();
        Assert.Contains(found, f => f.File.StartsWith("Infrastructure")); // the scan reads the sources it should
        var offenders = found.Where(f => !f.File.StartsWith("Infrastructure" + Path.DirectorySeparatorChar) && !f.File.StartsWith("Bench" + Path.DirectorySeparatorChar))
            .Select(f => $"{f.File}: {f.Value}").ToList();
        Assert.True(offenders.Count == 0, "Move these into Infrastructure (TenantScopes, TenantStore, PublicBots):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_check_finds_what_it_looks_for()
    {
        Assert.Matches(TenantEscape(), "db.Chatbots.IgnoreQueryFilters().Where(...)");
        Assert.Matches(TenantEscape(), "using var _ = tenants.Use(tenant);");
        Assert.Matches(TenantEscape(), "sp.GetRequiredService<ITenantContext>().Use(t)");
        Assert.DoesNotMatch(TenantEscape(), "app.UseRouting();");
    }
}
