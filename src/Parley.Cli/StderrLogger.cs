using Microsoft.Extensions.Logging;

namespace Parley.Cli;

/// <summary>
/// The client's log on stderr, for diagnosing a connection: <c>PARLEY_LOG=debug</c> (or information,
/// warning). Off unless asked for; the client's log events carry no content or secrets.
/// </summary>
public sealed class StderrLogger(LogLevel minimum) : ILogger
{
    public static ILogger? FromEnvironment() =>
        Environment.GetEnvironmentVariable("PARLEY_LOG") is { Length: > 0 } level && Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed)
            ? new StderrLogger(parsed)
            : null;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}{(exception is null ? "" : " — " + exception.Message)}");
        }
    }
}
