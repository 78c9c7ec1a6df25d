using System.CommandLine;
using Parley.Cli.Commands;

namespace Parley.Cli;

/// <summary>
/// Every verb of <c>parley</c>, in the order `parley --help` lists them. Adding a verb is one line
/// here: a function that builds its <see cref="Command"/>. Client verbs get the client's options
/// (<c>--server</c>, <c>--profile</c>, <c>--json</c>, <c>--timeout</c>); tools with options of their
/// own, like <c>bench</c>, do not.
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

    /// <summary>Verbs that are tools with their own options (`parley bench`'s --server starts or targets a node; its --json names a file).</summary>
    public static readonly IReadOnlyList<Func<Command>> Tools =
    [
        Bench.BenchCommand.Create,
    ];
}
