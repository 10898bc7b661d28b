using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Parley.Infrastructure.Observability;

public static class TelemetrySetup
{
    /// <summary>Structured request logs always; OTLP traces and metrics only when an endpoint is configured.</summary>
    public static IHostApplicationBuilder AddParleyTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Environment.IsDevelopment())
            builder.Logging.AddSimpleConsole(o => { o.IncludeScopes = true; o.SingleLine = true; });
        else
            builder.Logging.AddJsonConsole(o => { o.IncludeScopes = true; o.TimestampFormat = "O"; });
        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.RequestMethod | Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.RequestPath
                | Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.ResponseStatusCode | Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });

        var endpoint = builder.Configuration[$"{TelemetryOptions.Section}:OtlpEndpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return builder;

        var resource = ResourceBuilder.CreateDefault().AddService("parley-web");
        var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource)
            .AddSource("Microsoft.AspNetCore", "Npgsql", "Parley", Infrastructure.AI.AiClients.TelemetrySource)
            .AddOtlpExporter(o => o.Endpoint = new Uri(endpoint)).Build();
        var meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Parley", Infrastructure.AI.AiClients.TelemetrySource)
            .AddOtlpExporter(o => o.Endpoint = new Uri(endpoint)).Build();
        builder.Services.AddSingleton(tracer!);
        builder.Services.AddSingleton(meter!);
        return builder;
    }
}
