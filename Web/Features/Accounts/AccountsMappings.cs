using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Parley.Features.Accounts;

// How Accounts entities are stored: mapped here, beside them, and applied by AppDbContext (ApplyConfigurationsFromAssembly).

internal sealed class AppUserMapping : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> e)
    {
        e.ToTable("Users");
        e.Property(u => u.FullName).HasMaxLength(200);
        e.Property(u => u.AvatarUrl).HasMaxLength(2000);
        foreach (var p in new[] { nameof(AppUser.FacebookUrl), nameof(AppUser.InstagramUrl), nameof(AppUser.LinkedInUrl), nameof(AppUser.TwitterUrl), nameof(AppUser.YouTubeUrl) })
            e.Property(p).HasMaxLength(2000);
        e.Property(u => u.Status).HasConversion<string>().HasMaxLength(20);
    }
}

internal sealed class LoginHistoryMapping : IEntityTypeConfiguration<LoginHistory>
{
    public void Configure(EntityTypeBuilder<LoginHistory> e)
    {
        e.HasIndex(h => new { h.UserId, h.At });
        e.Property(h => h.IpAddress).HasMaxLength(64);
        e.Property(h => h.UserAgent).HasMaxLength(500);
        e.Property(h => h.FailureReason).HasMaxLength(100);
        e.HasOne<AppUser>().WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionMapping : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> e)
    {
        e.HasIndex(x => x.UserId);
        e.Property(x => x.IpAddress).HasMaxLength(64);
        e.Property(x => x.UserAgent).HasMaxLength(500);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
