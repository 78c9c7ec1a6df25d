using System.CommandLine;

namespace Parley.Cli;

/// <summary>The options every client verb takes (after the verb: `parley send --json …`); recursive, so subcommands such as `group add` take them too.</summary>
public sealed class GlobalOptions
{
    public const string DefaultServer = "http://127.0.0.1:8080";

    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"The node's address (default: the profile's node, else {DefaultServer})",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "The folder holding this device's credentials and local store (default: $PARLEY_PROFILE, else $XDG_DATA_HOME/parley or ~/.local/share/parley)",
        HelpName = "DIR",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print data as JSON (one object or array) on stdout",
        Recursive = true,
    };

    public Option<int> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the node before giving up",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Server);
        root.Add(Profile);
        root.Add(Json);
        root.Add(Timeout);
    }

    /// <summary>What the options say for this invocation.</summary>
    public CliContext Read(ParseResult parse)
    {
        var timeout = parse.GetValue(Timeout);
        if (timeout <= 0)
        {
            throw new CliException("--timeout must be a positive number of seconds");
        }
        Uri? server = null;
        if (parse.GetValue(Server) is { Length: > 0 } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out server) || server.Scheme is not ("http" or "https"))
            {
                throw new CliException($"--server must be an http:// or https:// address, not '{text}'");
            }
        }
        return new CliContext(Parley.Cli.Profile.Resolve(parse.GetValue(Profile)), server, parse.GetValue(Json), TimeSpan.FromSeconds(timeout));
    }
}

/// <summary>What one invocation works with: the profile folder, the node (if given), output form and patience.</summary>
public sealed record CliContext(Profile Profile, Uri? Server, bool Json, TimeSpan Timeout)
{
    /// <summary>The node to talk to: the one given, else the profile's, else the default.</summary>
    public Uri ServerOr(Uri? profileServer) => Server ?? profileServer ?? new Uri(GlobalOptions.DefaultServer);
}
