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
