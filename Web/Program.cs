using Parley.Infrastructure;

if (SchemaScript.TryRun(args)) return;
if (await Parley.Bench.BenchCommand.TryRunAsync(args)) return;
if (await Parley.Features.Demo.DemoPasswordCommand.TryRunAsync(args)) return;
if (await Parley.Features.Operations.OperatorCommand.TryRunAsync(args)) return;

var app = ParleyHost.Build(args);
app.Run();

public partial class Program;
