using System.Diagnostics;

namespace Parley.Cli.Tests.Support;

/// <summary>
/// A real terminal: a detached tmux session on a private tmux server (its own socket), so a test can
/// type into a program with send-keys and read its screen with capture-pane.
/// </summary>
public sealed class Tmux : IAsyncDisposable
{
    private readonly string _socket = "parley-test-" + Guid.NewGuid().ToString("N")[..12];
    private const string Session = "chat";

    private Tmux()
    {
    }

    /// <summary>
    /// Starts <paramref name="command"/> in a 120×40 terminal. When it exits, the terminal shows
    /// "[exited CODE]" and stays open for the test to read.
    /// </summary>
    public static async Task<Tmux> StartAsync(IEnumerable<string> command)
    {
        var tmux = new Tmux();
        var line = string.Join(' ', command.Select(Quote));
        var script = $"{line}; echo \"[exited $?]\"; sleep 600";
        await tmux.RunAsync(["-u", "new-session", "-d", "-s", Session, "-x", "120", "-y", "40", $"env LANG=C.UTF-8 sh -c {Quote(script)}"]);
        return tmux;
    }

    /// <summary>Types keys (tmux key names such as Enter, Tab, Escape, or literal text).</summary>
    public Task SendKeysAsync(params string[] keys) => RunAsync(["send-keys", "-t", Session, .. keys]);

    /// <summary>Types text literally.</summary>
    public Task TypeAsync(string text) => RunAsync(["send-keys", "-t", Session, "-l", text]);

    /// <summary>The screen as text.</summary>
    public Task<string> ScreenAsync() => RunAsync(["capture-pane", "-p", "-t", Session]);

    /// <summary>Reads the screen until it shows what <paramref name="shows"/> wants, or fails with the last screen.</summary>
    public Task<string> WaitForAsync(Func<string, bool> shows, string what, TimeSpan? timeout = null) =>
        Eventually.MatchAsync(ScreenAsync, shows, what, timeout ?? TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync() => await RunAsync(["kill-server"], check: false);

    private async Task<string> RunAsync(IEnumerable<string> args, bool check = true)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("tmux could not be started; install it (apt-get install tmux)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        }
        return await output;
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''") + "'";
}
