namespace Parley.Features.HumanSupport;

/// <summary>Hand-over to a person.</summary>
public static class HumanSupportSetup
{
    public static IHostApplicationBuilder AddHumanSupport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<HumanSupportService>();
        return builder;
    }
}
