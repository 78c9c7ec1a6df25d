using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Parley.Testing;

namespace Parley.Cli.Tests.Support;

/// <summary>
/// The real `parley` command, built, run as a separate process (`dotnet parley.dll …`) with a profile
/// folder of its own, against a real node.
/// </summary>
public sealed class ParleyCommand(NodeEndpoint node, string profile)
{
    /// <summary>The CLI as its own build put it (not a copy: its dependencies are resolved there).</summary>
    public static readonly string Dll = typeof(ParleyCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ParleyCli").Value!;

    public string Profile { get; } = profile;

    public NodeEndpoint Node { get; } = node;

    /// <summary>Runs a verb with this profile and node; returns what it printed and its exit code.</summary>
    public Task<Run> RunAsync(params string[] args) =>
        RunRawAsync([.. args, "--server", Node.BaseAddress.ToString(), "--profile", Profile]);

    /// <summary>Runs a verb that must succeed with --json and returns its parsed output.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var run = await RunAsync([.. args, "--json"]);
        Assert.True(run.ExitCode == 0, $"parley {string.Join(' ', args)} failed ({run.ExitCode}): {run.Error}");
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }

    /// <summary>Runs parley with exactly these arguments.</summary>
    public static async Task<Run> RunRawAsync(IEnumerable<string> args, string? input = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            Environment = { ["PARLEY_LOG"] = "debug" },
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"parley {string.Join(' ', args)} did not exit within 90 s; it said:\n{await error}");
        }
        return new Run(process.ExitCode, await output, Quiet(await error));
    }

    /// <summary>Stderr without the client's debug log lines (which start with a time of day).</summary>
    private static string Quiet(string error) => string.Join('\n', error.Split('\n').Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d\d:\d\d:\d\d\.\d{3} ")));
}

/// <summary>What one run of parley printed, and how it exited (its debug log is kept apart from its errors).</summary>
public sealed record Run(int ExitCode, string Output, string Error);
