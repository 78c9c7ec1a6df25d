namespace Parley.Cli;

/// <summary>Something the user should read as one line, and the command's exit code.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
