using Microsoft.Extensions.Logging;

namespace Parley.Client.Tests.Support;

/// <summary>The client's log in a test's output, with times, for reading what happened when.</summary>
public sealed class TestLogger(ITestOutputHelper output, string name) : ILogger
{
    private readonly DateTime _start = DateTime.UtcNow;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        output.WriteLine($"{(DateTime.UtcNow - _start).TotalSeconds,7:0.000} {name} {logLevel}: {formatter(state, exception)}");
}
