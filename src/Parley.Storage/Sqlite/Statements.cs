using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Prepared statements, kept per connection. Microsoft.Data.Sqlite prepares a command's SQL on its
/// first execution and keeps it prepared for as long as the command lives; creating a new command
/// per call pays sqlite3_prepare every time, which dominated the write path under load.
/// A connection is used by one thread at a time (the writer, or a reader taken from the pool), so
/// its cache needs no locking. SQL text must be a compile-time constant: the cache is keyed by the
/// string's identity (hashing a long SQL string on every call showed in profiles), and constants are
/// one interned instance each.
/// </summary>
internal static class Statements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Cache = new();

    /// <summary>
    /// The connection's command for <paramref name="sql"/>, its parameters set to
    /// <paramref name="parameters"/> (by name; every execution passes all of them).
    /// </summary>
    public static SqliteCommand Statement(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var commands = Cache.GetValue(connection, _ => new Dictionary<string, SqliteCommand>(ReferenceEqualityComparer.Instance));
        if (!commands.TryGetValue(sql, out var command))
        {
            System.Diagnostics.Debug.Assert(string.IsInterned(sql) is not null, "SQL text must be a constant", sql);
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            commands[sql] = command;
        }
        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value ?? DBNull.Value;
        }
        return command;
    }

    /// <summary>Sets one parameter of a statement again, for executing it repeatedly with different values.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters[name].Value = value ?? DBNull.Value;
        return command;
    }

    /// <summary>Runs SQL that takes no parameters (transaction control, pragmas) from the cache.</summary>
    public static int Run(this SqliteConnection connection, string sql) => connection.Statement(sql).ExecuteNonQuery();
}
