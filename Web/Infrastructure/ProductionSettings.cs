namespace Parley.Infrastructure;

/// <summary>
/// What Parley must be told before it runs in Production: where it lives, its database, how mail leaves, where files go,
/// and the endpoints of the cloud services it is switched to. Checked at start (an error naming every missing setting,
/// never a half-configured app falling back to embedded defaults), and read by the deployment test, which proves
/// infra/bicep sets each of them on the container app.
/// </summary>
public static class ProductionSettings
{
    public static readonly string[] Always =
    [
        "Parley:AppDomain", "Parley:PublicBaseUrl", "Parley:Database:Provider", "Parley:Database:ConnectionString",
        "Parley:Storage:Provider", "Parley:Mail:SmtpHost", "Parley:Mail:From",
    ];

    /// <summary>Settings a provider choice brings with it: (the choice, its value, what it then needs).</summary>
    public static readonly (string Key, string Value, string[] Needs)[] WhenChosen =
    [
        ("Parley:Storage:Provider", "AzureBlob", ["Parley:Storage:AzureServiceUri", "Parley:Storage:AzureContainer"]),
        ("Parley:AI:Provider", "OpenAI", ["Parley:AI:Endpoint", "Parley:AI:ChatModel", "Parley:AI:EmbeddingModel", "Parley:AI:EmbeddingDimensions"]),
        ("Parley:Search:Provider", "AzureAISearch", ["Parley:Search:Endpoint", "Parley:Search:Dimensions"]),
    ];

    public static List<string> Missing(IConfiguration c)
    {
        var needed = Always.ToList();
        foreach (var (key, value, needs) in WhenChosen)
            if (string.Equals(c[key], value, StringComparison.OrdinalIgnoreCase)) needed.AddRange(needs);
        // Payments are optional, but a Stripe key without its webhook's signing secret would take money and never hear of it.
        if (!string.IsNullOrWhiteSpace(c["Parley:Billing:Stripe:SecretKey"])) needed.Add("Parley:Billing:Stripe:WebhookSecret");
        return needed.Where(k => string.IsNullOrWhiteSpace(c[k])).ToList();
    }

    /// <summary>Stops a Production start that lacks settings, naming each (as environment variables, the way they are set).</summary>
    public static void Check(IHostEnvironment env, IConfiguration c)
    {
        if (!env.IsProduction() || Missing(c) is not { Count: > 0 } missing) return;
        throw new InvalidOperationException("Parley cannot start in Production without these settings: " +
            string.Join(", ", missing.Select(k => k.Replace(":", "__"))) + ". See README, Configuration.");
    }
}
