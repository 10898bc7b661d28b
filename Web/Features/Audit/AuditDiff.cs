using System.Text.Json;

namespace Parley.Features.Audit;

/// <summary>What changed between two copies of a settings row, for an audit entry: the differing properties, before and after.</summary>
public static class AuditDiff
{
    public static (Dictionary<string, object?> Before, Dictionary<string, object?> After) Of<T>(T before, T after)
    {
        var b = new Dictionary<string, object?>();
        var a = new Dictionary<string, object?>();
        foreach (var p in typeof(T).GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name is not ("Id" or "TenantId" or "ChatbotId" or "UpdatedAt" or "CreatedAt" or "FieldsJson" or "TextsJson")))
        {
            var x = p.GetValue(before);
            var y = p.GetValue(after);
            if (JsonSerializer.Serialize(x) == JsonSerializer.Serialize(y)) continue;
            b[p.Name] = x is Enum ? x.ToString() : x;
            a[p.Name] = y is Enum ? y.ToString() : y;
        }
        return (b, a);
    }
}

/// <summary>Audit rows as a person reads them: "domain.offered_to_bots" → "Domain: offered to bots"; JSON values → "Plan: Free → Gold".</summary>
public static class AuditWording
{
    public static string Action(string action)
    {
        var dot = action.IndexOf('.');
        if (dot < 0) return action.Replace('_', ' ');
        var what = action[..dot].Replace('_', ' ');
        return $"{char.ToUpperInvariant(what[0])}{what[1..]}: {action[(dot + 1)..].Replace('_', ' ')}";
    }

    /// <summary>Each field once: "before → after" where both are known, else the one value.</summary>
    public static string Change(string? oldJson, string? newJson)
    {
        var before = Fields(oldJson);
        var after = Fields(newJson);
        var keys = before.Keys.Concat(after.Keys).Distinct().ToList();
        if (keys.Count == 0) return "";
        return string.Join("; ", keys.Select(k => (before.TryGetValue(k, out var b), after.TryGetValue(k, out var a)) switch
        {
            (true, true) when b == a => $"{k}: {a}",
            (true, true) => $"{k}: {b} → {a}",
            (true, false) => $"{k}: {b} (removed)",
            _ => $"{k}: {after[k]}",
        }));
    }

    private static Dictionary<string, string> Fields(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) return new() { ["value"] = doc.RootElement.ToString() };
            return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.Null => "none",
                System.Text.Json.JsonValueKind.String => p.Value.GetString() is { Length: > 0 } s ? s : "(empty)",
                System.Text.Json.JsonValueKind.True => "yes",
                System.Text.Json.JsonValueKind.False => "no",
                _ => p.Value.ToString(),
            });
        }
        catch (System.Text.Json.JsonException) { return new() { ["value"] = json }; }
    }
}
