namespace Parley.Features.Plans;

/// <summary>The plan catalogue's reader and the guard for writes a plan limit bounds.</summary>
public static class PlansSetup
{
    public static IHostApplicationBuilder AddPlans(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PlanLimitsReader>();
        builder.Services.AddScoped<PlanGuard>();
        return builder;
    }
}
