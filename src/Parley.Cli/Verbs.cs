using System.CommandLine;
using Parley.Cli.Commands;

namespace Parley.Cli;

/// <summary>
/// Every verb of <c>parley</c>, in the order `parley --help` lists them. Adding a verb is one line
/// here: a function that builds its <see cref="Command"/> (the global options — <c>--server</c>,
/// <c>--profile</c>, <c>--json</c>, <c>--timeout</c> — reach every verb on their own).
/// </summary>
internal static class Verbs
{
    public static readonly IReadOnlyList<Func<GlobalOptions, Command>> All =
    [
        RegisterCommand.Create,
        LinkCommand.Create,
        DevicesCommand.Create,
        SendCommand.Create,
        GroupCommand.Create,
        GroupsCommand.Create,
        SyncCommand.Create,
        HistoryCommand.Create,
        ReadCommand.Create,
        ChatCommand.Create,
    ];
}
