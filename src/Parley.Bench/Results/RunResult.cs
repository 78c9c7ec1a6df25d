using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Parley.Bench.Results;

/// <summary>One run of a scenario: its parameters and what it measured, as a table and as one JSON object.</summary>
public sealed class RunResult(string scenario)
{
    private readonly List<(string Name, object? Value)> _fields = [];

    public string Scenario { get; } = scenario;

    public RunResult Add(string name, object? value)
    {
        _fields.Add((name, value switch
        {
            double d => Math.Round(d, 3),
            _ => value,
        }));
        return this;
    }

    public object? this[string name] => _fields.LastOrDefault(f => f.Name == name).Value;

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["scenario"] = Scenario,
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["machine"] = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
        };
        foreach (var (name, value) in _fields)
        {
            json[name] = value is null ? null : JsonSerializer.SerializeToNode(value);
        }
        return json;
    }

    public void Render()
    {
        var table = new Table().Title($"[bold]{Scenario}[/]").AddColumn("field").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (name, value) in _fields)
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(Format(value)));
        }
        AnsiConsole.Write(table);
    }

    /// <summary>Appends the run as one line of JSON to <paramref name="path"/>.</summary>
    public void AppendTo(string path)
    {
        File.AppendAllText(path, ToJson().ToJsonString() + Environment.NewLine);
    }

    private static string Format(object? value) => value switch
    {
        null => "–",
        double d => d.ToString("#,0.###"),
        long or int => $"{value:#,0}",
        _ => value.ToString() ?? "",
    };
}
