namespace Parley.Features.Audit;

/// <summary>The audit trail every feature records to.</summary>
public static class AuditSetup
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditTrail>();
        return builder;
    }
}
