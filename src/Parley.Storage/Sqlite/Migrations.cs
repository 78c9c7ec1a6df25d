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

        // 2: conversations, their members, their logs and every device's position in them
        """
        CREATE TABLE conversations (
            id              TEXT    NOT NULL PRIMARY KEY,
            kind            INTEGER NOT NULL,
            name            TEXT    NOT NULL DEFAULT '',
            created_ms      INTEGER NOT NULL,
            head_seq        INTEGER NOT NULL,
            head_hlc        INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE members (
            conversation_id TEXT    NOT NULL,
            account_id      TEXT    NOT NULL,
            role            INTEGER NOT NULL,
            joined_seq      INTEGER NOT NULL,
            left_seq        INTEGER,
            delivered_seq   INTEGER NOT NULL DEFAULT 0,
            read_seq        INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (conversation_id, account_id)
        ) WITHOUT ROWID;
        CREATE INDEX members_by_account ON members (account_id, conversation_id);
        CREATE TABLE entries (
            conversation_id   TEXT    NOT NULL,
            seq               INTEGER NOT NULL,
            hlc               INTEGER NOT NULL,
            sender_account    TEXT    NOT NULL,
            sender_device     INTEGER NOT NULL,
            client_message_id BLOB,
            kind              INTEGER NOT NULL,
            payload           BLOB,
            per_device        INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (conversation_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX entries_by_client_message_id ON entries (conversation_id, sender_account, client_message_id);
        CREATE TABLE device_payloads (
            conversation_id TEXT    NOT NULL,
            seq             INTEGER NOT NULL,
            account_id      TEXT    NOT NULL,
            device_id       INTEGER NOT NULL,
            payload         BLOB    NOT NULL,
            PRIMARY KEY (conversation_id, seq, account_id, device_id)
        ) WITHOUT ROWID;
        CREATE TABLE device_cursors (
            account_id      TEXT    NOT NULL,
            device_id       INTEGER NOT NULL,
            conversation_id TEXT    NOT NULL,
            acked_seq       INTEGER NOT NULL,
            PRIMARY KEY (account_id, device_id, conversation_id)
        ) WITHOUT ROWID;
        CREATE INDEX device_cursors_by_conversation ON device_cursors (conversation_id);
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
