namespace Parley.Features.Leads;

/// <summary>Lead forms in the widget and the leads list.</summary>
public static class LeadsSetup
{
    public static IHostApplicationBuilder AddLeads(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<LeadService>();
        return builder;
    }
}
