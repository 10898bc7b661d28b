using System.Security.Claims;

namespace Parley.Infrastructure.Security;

/// <summary>Who operates Parley itself: users with the platform-admin flag (granted with <c>operator add EMAIL</c>).</summary>
public static class PlatformOperators
{
    /// <summary>Whether the request's validated session belongs to a platform operator (read fresh, so taking the flag away works at once).</summary>
    public static async Task<bool> IsOperatorAsync(HttpContext ctx)
    {
        if (ctx.User.Identity?.IsAuthenticated != true || !Guid.TryParse(ctx.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return false;
        return await ctx.RequestServices.GetRequiredService<AppDbContext>().Users.AnyAsync(u => u.Id == userId && u.IsPlatformAdmin, ctx.RequestAborted);
    }
}
