using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Parley.Client;
using Parley.Client.Connections;
using Parley.Client.Registration;

namespace Parley.Cli;

/// <summary>The command line: parse, run the verb, and turn every failure into one line on stderr and a non-zero exit code.</summary>
public static class Cli
{
    public const int Failed = 1;
    public const int Usage = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("parley — a terminal client for Parley nodes: register, send, sync, read history, chat; and bench, to measure a node.");
        var options = new GlobalOptions();
        foreach (var verb in Verbs.All)
        {
            var command = verb(options);
            options.AddTo(command);
            root.Add(command);
        }
        foreach (var tool in Verbs.Tools)
        {
            root.Add(tool());
        }
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        if (Console.IsOutputRedirected)
        {
            // Piped or captured: no terminal width to fit, so do not wrap lines at 80 columns.
            Spectre.Console.AnsiConsole.Profile.Width = 200;
        }
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";
            await Console.Error.WriteLineAsync($"parley: {string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (see 'parley {verb}--help')");
            return Usage;
        }
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interrupted.Token);
        }
        catch (Exception error)
        {
            var (message, code) = Describe(error);
            await Console.Error.WriteLineAsync($"parley: {message}");
            return code;
        }
    }

    /// <summary>One line for people, and an exit code.</summary>
    public static (string Message, int ExitCode) Describe(Exception error) => error switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        ParleyException parley => ($"{Words(Disconnect.Describe(parley.Code))}: {parley.Message}{RetryHint(parley.RetryAfter)}", Failed),
        RegistrationException registration => ($"{registration.Message} ({registration.Error}{Attempts(registration.AttemptsLeft)}){RetryHint(registration.RetryAfter)}", Failed),
        SqliteException sqlite => ($"the profile's store cannot be used: {sqlite.Message}", Failed),
        OperationCanceledException => ("interrupted", 130),
        HttpRequestException or SocketException => ($"cannot reach the node: {error.Message}", Failed),
        IOException or UnauthorizedAccessException => (error.Message, Failed),
        _ => ($"unexpected error ({error.GetType().Name}): {error.Message}", Failed),
    };

    /// <summary>"NotFound" → "not found".</summary>
    private static string Words(string code) => System.Text.RegularExpressions.Regex.Replace(code, "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant();

    private static string RetryHint(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? $"; try again in {Math.Ceiling(wait.TotalSeconds):0} s" : "";

    private static string Attempts(int? left) => left is { } n ? $", {n} attempt{(n == 1 ? "" : "s")} left" : "";
}
