namespace Parley.Client.Sqlite;

/// <summary>The store's tables. <c>PRAGMA user_version</c> records the version a file has.</summary>
internal static class Schema
{
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            account_id TEXT NOT NULL,
            device_id INTEGER NOT NULL,
            token BLOB NOT NULL,
            phone_number TEXT NOT NULL,
            server TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS conversations (
            id TEXT PRIMARY KEY,
            kind INTEGER NOT NULL,
            name TEXT NOT NULL,
            head_seq INTEGER NOT NULL,
            delivered_up_to INTEGER NOT NULL,
            read_up_to INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS members (
            conversation_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            account_id TEXT NOT NULL,
            phone_number TEXT NOT NULL,
            role INTEGER NOT NULL,
            delivered_seq INTEGER NOT NULL,
            read_seq INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS cursors (
            conversation_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS entries (
            conversation_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            timestamp INTEGER NOT NULL,
            sender_account_id TEXT NOT NULL,
            sender_device_id INTEGER NOT NULL,
            client_message_id BLOB NOT NULL,
            kind INTEGER NOT NULL,
            body BLOB NOT NULL,
            unreadable INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id TEXT,
            peer_account_id TEXT,
            client_message_id BLOB NOT NULL,
            content BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            failure_code INTEGER,
            failure_message TEXT);
        """;
}
