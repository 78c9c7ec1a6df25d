using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The schema, as an ordered list of steps. PRAGMA user_version records how many have run; opening
/// a database runs the rest, each in its own transaction. Steps are never edited once released,
/// only appended.
/// </summary>
internal static class Migrations
{
    private static readonly string[] Steps =
    [
        // 1: accounts and devices
        """
        CREATE TABLE accounts (
            id              TEXT    NOT NULL PRIMARY KEY,
            phone_number    TEXT    NOT NULL UNIQUE,
            created_ms      INTEGER NOT NULL,
            hide_last_seen  INTEGER NOT NULL DEFAULT 0,
            last_seen_ms    INTEGER NOT NULL DEFAULT 0,
            next_device_id  INTEGER NOT NULL
        );
        CREATE TABLE devices (
            account_id      TEXT    NOT NULL REFERENCES accounts(id),
            device_id       INTEGER NOT NULL,
            name            TEXT    NOT NULL,
            token_hash      BLOB    NOT NULL,
            created_ms      INTEGER NOT NULL,
            last_seen_ms    INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (account_id, device_id)
        ) WITHOUT ROWID;
        """,
    ];

    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection, ILogger logger)
    {
        var current = CurrentVersion(connection);
        if (current > Steps.Length)
        {
            throw new InvalidOperationException(
                $"The database has schema version {current}, newer than this build knows ({Steps.Length}). Use a newer Parley.");
        }
        for (var version = current; version < Steps.Length; version++)
        {
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = Steps[version] + $"\nPRAGMA user_version = {version + 1};";
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        if (current < Steps.Length)
        {
            StorageLog.Migrated(logger, current, Steps.Length);
        }
    }

    private static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar());
    }
}
