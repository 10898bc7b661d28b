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
    /// <summary>A website's start URL or a sitemap's URL.</summary>
    public string? Url { get; set; }
    /// <summary>An uploaded file's server-generated blob path.</summary>
    public string? BlobPath { get; set; }
    /// <summary>The uploaded file's name as the user had it: shown, never used as a path.</summary>
    public string? FileName { get; set; }
    /// <summary>The type found by content sniffing (Pdf, Docx…).</summary>
    public string? FileType { get; set; }
    public long SizeBytes { get; set; }
    public SourceStatus Status { get; set; } = SourceStatus.Queued;
    public string? Error { get; set; }
    public int Pages { get; set; }
    public int Chunks { get; set; }
    public int Tokens { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSyncedAt { get; set; }

    /// <summary>Left out of the bot's answers (seed 000's allowed_training off): its passages are removed until it is included again.</summary>
    public bool Excluded { get; set; }

    // Website and sitemap crawls
    public int MaxDepth { get; set; }
    public int MaxPages { get; set; }
    /// <summary>Path patterns, one per line ('*' matches anything): only matching pages are kept when any are given.</summary>
    public string? IncludePaths { get; set; }
    public string? ExcludePaths { get; set; }
    /// <summary>Re-synced on the plan's schedule (seed 000's auto_sync_data).</summary>
    public bool AutoSync { get; set; }

    // The pipeline's bookkeeping
    /// <summary>While set and in the future, one ingestion run holds this source; a run that dies lets it lapse.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    /// <summary>When a job for this source was queued (or is due): the sweep queues no second one meanwhile.</summary>
    public DateTimeOffset? JobQueuedAt { get; set; }
    /// <summary>Failed attempts of the current run, for backoff; reset when a run succeeds.</summary>
    public int Attempts { get; set; }
    /// <summary>When a queued source may be picked up (a retry waiting out its backoff).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>When the current run began: pages fetched since then are not fetched again on resume.</summary>
    public DateTimeOffset? RunStartedAt { get; set; }

    public bool IsCrawl => Kind is SourceKind.Website or SourceKind.Sitemap;
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

/// <summary>A failure of one ingestion attempt (seed 000's ingestion_errors): the step, what went wrong, which retry it was, and when it was put right.</summary>
public class IngestionError : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SourceId { get; set; }
    public SourceStatus Step { get; set; }
    public required string Message { get; set; }
    public int RetryCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}

public enum PageStatus { Indexed, Skipped, Failed }

/// <summary>One page a website or sitemap source found: indexed with its content hash, or skipped/failed with the reason.</summary>
public class SourcePage : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SourceId { get; set; }
    /// <summary>The canonical URL: the page's rel=canonical when on the same site, else the fetched URL without its fragment.</summary>
    public required string Url { get; set; }
    public string Title { get; set; } = "";
    public PageStatus Status { get; set; }
    public string? Reason { get; set; }
    /// <summary>SHA-256 of the extracted text, so a re-sync re-chunks only pages that changed.</summary>
    public string? ContentHash { get; set; }
    public int Chunks { get; set; }
    public int Tokens { get; set; }
    public DateTimeOffset FetchedAt { get; set; }
}
