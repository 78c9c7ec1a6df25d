using System.CommandLine;
using Parley.Bench;

// `dotnet Parley.Bench.dll SCENARIO ...` runs a scenario directly; `parley bench SCENARIO ...` is the same command.
var root = new RootCommand("Parley's benchmark tool.");
foreach (var scenario in BenchCommand.Scenarios())
{
    root.Subcommands.Add(scenario);
}
return await root.Parse(args).InvokeAsync();
