using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Features.Bots;
using Parley.Infrastructure.Tenancy;

namespace Parley.Features.Analytics;

/// <summary>
/// One bot's widget activity on one UTC day (seed 002's daily analytics), stored by the rollup job once the day is over;
/// the same figures are counted live for days the job has not rolled up yet. Also the sum of several (not stored).
/// </summary>
public class BotDay : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ChatbotId { get; set; }
    public DateOnly Day { get; set; }
    /// <summary>Widget conversations started.</summary>
    public int Conversations { get; set; }
    /// <summary>Messages visitors wrote.</summary>
    public int VisitorMessages { get; set; }
    /// <summary>Bot answers, and those of them that cited nothing from the bot's knowledge.</summary>
    public int Answers { get; set; }
    public int Unanswered { get; set; }
    /// <summary>Replies people of the team wrote to visitors.</summary>
    public int AgentReplies { get; set; }
    /// <summary>Thumbs on the day's answers.</summary>
    public int ThumbsUp { get; set; }
    public int ThumbsDown { get; set; }
    /// <summary>1-5 ratings given that day, and their sum.</summary>
    public int Ratings { get; set; }
    public int RatingSum { get; set; }
    public int Leads { get; set; }
    /// <summary>Conversations whose visitor first asked for a person that day.</summary>
    public int Escalations { get; set; }
    /// <summary>First replies by a person after an escalation, and the seconds they took in all.</summary>
    public int FirstResponses { get; set; }
    public long FirstResponseSeconds { get; set; }
    /// <summary>Conversations resolved that day, and the seconds from their start in all.</summary>
    public int Resolved { get; set; }
    public long ResolutionSeconds { get; set; }
    /// <summary>Visitor messages per UTC hour, 24 numbers separated by commas.</summary>
    public string Hours { get; set; } = "";
    public DateTimeOffset ComputedAt { get; set; }

    public int[] HourCounts()
    {
        var counts = new int[24];
        var parts = Hours.Split(',', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < Math.Min(24, parts.Length); i++) counts[i] = int.TryParse(parts[i], out var n) ? n : 0;
        return counts;
    }

    public bool IsEmpty => Conversations + VisitorMessages + Answers + AgentReplies + ThumbsUp + ThumbsDown + Ratings + Leads + Escalations + FirstResponses + Resolved == 0;

    /// <summary>Adds another day's (or bot's) figures to these.</summary>
    public void Add(BotDay o)
    {
        Conversations += o.Conversations; VisitorMessages += o.VisitorMessages; Answers += o.Answers; Unanswered += o.Unanswered;
        AgentReplies += o.AgentReplies; ThumbsUp += o.ThumbsUp; ThumbsDown += o.ThumbsDown; Ratings += o.Ratings; RatingSum += o.RatingSum;
        Leads += o.Leads; Escalations += o.Escalations; FirstResponses += o.FirstResponses; FirstResponseSeconds += o.FirstResponseSeconds;
        Resolved += o.Resolved; ResolutionSeconds += o.ResolutionSeconds;
        var mine = HourCounts();
        var theirs = o.HourCounts();
        for (var i = 0; i < 24; i++) mine[i] += theirs[i];
        Hours = string.Join(',', mine);
    }
}

/// <summary>How far a workspace's days are rolled up: days up to this one are read from <see cref="BotDay"/> rows.</summary>
public class AnalyticsState : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public DateOnly RolledUpThrough { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class BotDayMapping : IEntityTypeConfiguration<BotDay>
{
    public void Configure(EntityTypeBuilder<BotDay> e)
    {
        e.ToTable("BotDays");
        e.HasIndex(x => new { x.ChatbotId, x.Day }).IsUnique();
        e.HasIndex(x => new { x.TenantId, x.Day });
        e.Property(x => x.Hours).HasMaxLength(200);
        e.HasOne<Chatbot>().WithMany().HasForeignKey(x => x.ChatbotId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AnalyticsStateMapping : IEntityTypeConfiguration<AnalyticsState>
{
    public void Configure(EntityTypeBuilder<AnalyticsState> e) => e.HasIndex(x => x.TenantId).IsUnique();
}
