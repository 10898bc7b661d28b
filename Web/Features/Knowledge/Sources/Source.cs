using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Knowledge.Sources;

public enum SourceKind { Text, QandA, File, Website, Sitemap }
public enum SourceStatus { Queued, Fetching, Extracting, Chunking, Embedding, Ready, Failed }

/// <summary>One thing a bot learns from. Text and Q&amp;A keep their content here; files and pages keep it in the blob store.</summary>
public class Source : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public SourceKind Kind { get; set; }
    public required string Title { get; set; }
    /// <summary>The typed text, or for Q&amp;A the answer (the question is the title).</summary>
    public string? Content { get; set; }
    public string? Url { get; set; }
    public string? BlobPath { get; set; }
    public SourceStatus Status { get; set; } = SourceStatus.Queued;
    public string? Error { get; set; }
    public int Pages { get; set; }
    public int Chunks { get; set; }
    public int Tokens { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSyncedAt { get; set; }
}

/// <summary>One step of a source's ingestion, for the source's event log.</summary>
public class IngestionEvent : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SourceId { get; set; }
    public DateTimeOffset At { get; set; }
    public SourceStatus Step { get; set; }
    public required string Message { get; set; }
    public bool IsError { get; set; }
}
