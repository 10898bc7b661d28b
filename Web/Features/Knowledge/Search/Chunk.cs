using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Knowledge.Search;

/// <summary>
/// One indexed passage of a bot's knowledge: its text, where it came from (page, heading path, URL) and its
/// embedding as little-endian float32 bytes. Keyword search runs on FTS5 (SQLite) or a tsvector (PostgreSQL).
/// </summary>
public class Chunk : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    /// <summary>The source it was cut from; the Source entity arrives with the ingestion pipeline.</summary>
    public Guid SourceId { get; set; }
    public int Index { get; set; }
    public required string Text { get; set; }
    public int Tokens { get; set; }
    public int? Page { get; set; }
    public string Headings { get; set; } = "";
    public string? Url { get; set; }
    /// <summary>SHA-256 of the text, so a re-sync re-embeds only what changed.</summary>
    public required string ContentHash { get; set; }
    public required byte[] Embedding { get; set; }
    /// <summary>
    /// The passage read by the local sentence model (MiniLM, 384 float32), filled in the background after training
    /// (<see cref="MeaningJob"/>) when the embedded default embedder is in use; null until then.
    /// </summary>
    public byte[]? Meaning { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
