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
    // Ids of accounts are 16-byte blobs (Guid.ToByteArray); conversations are referred to inside the
    // database by an integer key, their string id appearing once, in the conversations table: the log's
    // rows and indexes stay small, which is what makes appends cheap.
    private static readonly string[] Steps =
    [
        // 1: accounts and devices
        """
        CREATE TABLE accounts (
            id              BLOB    NOT NULL PRIMARY KEY,
            phone_number    TEXT    NOT NULL UNIQUE,
            created_ms      INTEGER NOT NULL,
            hide_last_seen  INTEGER NOT NULL DEFAULT 0,
            last_seen_ms    INTEGER NOT NULL DEFAULT 0,
            next_device_id  INTEGER NOT NULL
        );
        CREATE TABLE devices (
            account_id      BLOB    NOT NULL,
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
            key             INTEGER PRIMARY KEY,
            id              TEXT    NOT NULL UNIQUE,
            kind            INTEGER NOT NULL,
            name            TEXT    NOT NULL DEFAULT '',
            created_ms      INTEGER NOT NULL,
            head_seq        INTEGER NOT NULL,
            head_hlc        INTEGER NOT NULL
        );
        CREATE TABLE members (
            conversation    INTEGER NOT NULL,
            account_id      BLOB    NOT NULL,
            role            INTEGER NOT NULL,
            joined_seq      INTEGER NOT NULL,
            left_seq        INTEGER,
            delivered_seq   INTEGER NOT NULL DEFAULT 0,
            read_seq        INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (conversation, account_id)
        ) WITHOUT ROWID;
        CREATE INDEX members_by_account ON members (account_id, conversation);
        CREATE TABLE entries (
            conversation      INTEGER NOT NULL,
            seq               INTEGER NOT NULL,
            hlc               INTEGER NOT NULL,
            sender_account    BLOB    NOT NULL,
            sender_device     INTEGER NOT NULL,
            client_message_id BLOB,
            kind              INTEGER NOT NULL,
            payload           BLOB,
            per_device        INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX entries_by_seq ON entries (conversation, seq);
        CREATE TABLE device_payloads (
            conversation    INTEGER NOT NULL,
            seq             INTEGER NOT NULL,
            account_id      BLOB    NOT NULL,
            device_id       INTEGER NOT NULL,
            payload         BLOB    NOT NULL,
            PRIMARY KEY (conversation, seq, account_id, device_id)
        ) WITHOUT ROWID;
        CREATE TABLE device_cursors (
            account_id      BLOB    NOT NULL,
            device_id       INTEGER NOT NULL,
            conversation    INTEGER NOT NULL,
            acked_seq       INTEGER NOT NULL,
            PRIMARY KEY (account_id, device_id, conversation)
        ) WITHOUT ROWID;
        CREATE INDEX device_cursors_by_conversation ON device_cursors (conversation);
        """,
    ];

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
