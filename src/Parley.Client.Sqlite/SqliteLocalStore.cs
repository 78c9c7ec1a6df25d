using Microsoft.Data.Sqlite;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Sqlite;

/// <summary>
/// The device's local store in one SQLite file (WAL, a full fsync per commit): identity,
/// conversations with members and watermarks, the entries of their logs keyed by (conversation, seq),
/// cursors, and the outbox. Each method is one transaction. Several processes may open the same file
/// (a chat window and a one-off send); SQLite's locking keeps them consistent and the key on
/// (conversation, seq) keeps every entry once.
/// </summary>
public sealed class SqliteLocalStore : ILocalStore
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteLocalStore(SqliteConnection connection)
    {
        _connection = connection;
    }

    /// <summary>The file's path.</summary>
    public string Path => _connection.DataSource;

    /// <summary>Opens (creating when missing) the store in <paramref name="path"/>.</summary>
    public static async Task<SqliteLocalStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", cancellationToken);
            var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version", cancellationToken));
            if (version > Schema.Version)
            {
                throw new InvalidOperationException($"{path} was written by a newer client (store version {version}; this client knows {Schema.Version})");
            }
            await ExecuteAsync(connection, Schema.Create + $"PRAGMA user_version = {Schema.Version};", cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return new SqliteLocalStore(connection);
    }

    public Task<DeviceIdentity?> GetIdentityAsync(CancellationToken cancellationToken = default) => ReadAsync(async () =>
    {
        await using var command = Command("SELECT account_id, device_id, token, phone_number, server FROM identity WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new DeviceIdentity(reader.GetString(0), (uint)reader.GetInt64(1), (byte[])reader[2], reader.GetString(3), new Uri(reader.GetString(4)))
            : null;
    }, cancellationToken);

    public Task SetIdentityAsync(DeviceIdentity identity, CancellationToken cancellationToken = default) => WriteAsync(async transaction =>
    {
        await using var command = Command(
            "INSERT OR REPLACE INTO identity (id, account_id, device_id, token, phone_number, server) VALUES (1, $account, $device, $token, $phone, $server)",
            transaction);
        command.Parameters.AddWithValue("$account", identity.AccountId);
        command.Parameters.AddWithValue("$device", (long)identity.DeviceId);
        command.Parameters.AddWithValue("$token", identity.Token);
        command.Parameters.AddWithValue("$phone", identity.PhoneNumber);
        command.Parameters.AddWithValue("$server", identity.Server.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }, cancellationToken);

    public Task<IReadOnlyList<ConversationRecord>> GetConversationsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(() => LoadConversationsAsync(null, cancellationToken), cancellationToken);

    public async Task<ConversationRecord?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(() => LoadConversationsAsync(conversationId, cancellationToken), cancellationToken)).FirstOrDefault();

    public Task PutConversationAsync(ConversationRecord conversation, CancellationToken cancellationToken = default) => WriteAsync(async transaction =>
    {
        await using (var upsert = Command(
            """
            INSERT INTO conversations (id, kind, name, head_seq, delivered_up_to, read_up_to) VALUES ($id, $kind, $name, $head, $delivered, $read)
            ON CONFLICT (id) DO UPDATE SET kind = $kind, name = $name, head_seq = $head, delivered_up_to = $delivered, read_up_to = $read
            """,
            transaction))
        {
            upsert.Parameters.AddWithValue("$id", conversation.Id);
            upsert.Parameters.AddWithValue("$kind", (long)conversation.Kind);
            upsert.Parameters.AddWithValue("$name", conversation.Name);
            upsert.Parameters.AddWithValue("$head", (long)conversation.HeadSeq);
            upsert.Parameters.AddWithValue("$delivered", (long)conversation.DeliveredUpTo);
            upsert.Parameters.AddWithValue("$read", (long)conversation.ReadUpTo);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var clear = Command("DELETE FROM members WHERE conversation_id = $id", transaction))
        {
            clear.Parameters.AddWithValue("$id", conversation.Id);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var insert = Command(
            "INSERT INTO members (conversation_id, position, account_id, phone_number, role, delivered_seq, read_seq) VALUES ($id, $position, $account, $phone, $role, $delivered, $read)",
            transaction);
        var id = insert.Parameters.AddWithValue("$id", conversation.Id);
        var position = insert.Parameters.Add("$position", SqliteType.Integer);
        var account = insert.Parameters.Add("$account", SqliteType.Text);
        var phone = insert.Parameters.Add("$phone", SqliteType.Text);
        var role = insert.Parameters.Add("$role", SqliteType.Integer);
        var delivered = insert.Parameters.Add("$delivered", SqliteType.Integer);
        var read = insert.Parameters.Add("$read", SqliteType.Integer);
        for (var i = 0; i < conversation.Members.Count; i++)
        {
            var member = conversation.Members[i];
            position.Value = i;
            account.Value = member.AccountId;
            phone.Value = member.PhoneNumber;
            role.Value = (long)member.Role;
            delivered.Value = (long)member.DeliveredSeq;
            read.Value = (long)member.ReadSeq;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }, cancellationToken);

    public Task<IReadOnlyDictionary<string, ulong>> GetCursorsAsync(CancellationToken cancellationToken = default) => ReadAsync<IReadOnlyDictionary<string, ulong>>(async () =>
    {
        var cursors = new Dictionary<string, ulong>(StringComparer.Ordinal);
        await using var command = Command("SELECT conversation_id, seq FROM cursors");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cursors[reader.GetString(0)] = (ulong)reader.GetInt64(1);
        }
        return cursors;
    }, cancellationToken);

    public Task<bool> HasEntryAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default) => ReadAsync(async () =>
    {
        await using var command = Command("SELECT 1 FROM entries WHERE conversation_id = $conversation AND seq = $seq");
        command.Parameters.AddWithValue("$conversation", conversationId);
        command.Parameters.AddWithValue("$seq", (long)seq);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }, cancellationToken);

    public Task<IReadOnlyList<StoredEntry>> AddEntriesAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken = default) =>
        WriteAsync<IReadOnlyList<StoredEntry>>(transaction => InsertEntriesAsync(entries, transaction, cancellationToken), cancellationToken);

    public Task AdvanceCursorsAsync(IReadOnlyDictionary<string, ulong> cursors, CancellationToken cancellationToken = default) => WriteAsync(async transaction =>
    {
        await using var command = Command(
            "INSERT INTO cursors (conversation_id, seq) VALUES ($conversation, $seq) ON CONFLICT (conversation_id) DO UPDATE SET seq = max(seq, $seq)",
            transaction);
        var conversation = command.Parameters.Add("$conversation", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        foreach (var (id, value) in cursors)
        {
            conversation.Value = id;
            seq.Value = (long)value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }, cancellationToken);

    public Task<IReadOnlyList<StoredEntry>> GetEntriesAsync(string conversationId, int limit, ulong? beforeSeq = null, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StoredEntry>>(async () =>
        {
            await using var command = Command(
                """
                SELECT conversation_id, seq, timestamp, sender_account_id, sender_device_id, client_message_id, kind, body, unreadable
                FROM entries WHERE conversation_id = $conversation AND seq < $before ORDER BY seq DESC LIMIT $limit
                """);
            command.Parameters.AddWithValue("$conversation", conversationId);
            command.Parameters.AddWithValue("$before", beforeSeq is { } before ? (long)before : long.MaxValue);
            command.Parameters.AddWithValue("$limit", limit);
            var entries = new List<StoredEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new StoredEntry(
                    reader.GetString(0), (ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2), reader.GetString(3), (uint)reader.GetInt64(4),
                    (byte[])reader[5], (EntryKind)reader.GetInt64(6), (byte[])reader[7], reader.GetInt64(8) != 0));
            }
            entries.Reverse();
            return entries;
        }, cancellationToken);

    public Task<int> CountMessagesAsync(string conversationId, ulong afterSeq, string exceptSender, CancellationToken cancellationToken = default) => ReadAsync(async () =>
    {
        await using var command = Command(
            "SELECT count(*) FROM entries WHERE conversation_id = $conversation AND seq > $after AND kind = $message AND sender_account_id <> $sender");
        command.Parameters.AddWithValue("$conversation", conversationId);
        command.Parameters.AddWithValue("$after", (long)afterSeq);
        command.Parameters.AddWithValue("$message", (long)EntryKind.Message);
        command.Parameters.AddWithValue("$sender", exceptSender);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }, cancellationToken);

    public Task<OutboxItem> AddToOutboxAsync(OutboxItem item, CancellationToken cancellationToken = default) => WriteAsync(async transaction =>
    {
        await using var command = Command(
            """
            INSERT INTO outbox (conversation_id, peer_account_id, client_message_id, content, created_ms) VALUES ($conversation, $peer, $id, $content, $created)
            RETURNING id
            """,
            transaction);
        command.Parameters.AddWithValue("$conversation", (object?)item.ConversationId ?? DBNull.Value);
        command.Parameters.AddWithValue("$peer", (object?)item.PeerAccountId ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", item.ClientMessageId);
        command.Parameters.AddWithValue("$content", item.Content);
        command.Parameters.AddWithValue("$created", item.CreatedMs);
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        return item with { Id = id };
    }, cancellationToken);

    public Task<IReadOnlyList<OutboxItem>> GetOutboxAsync(CancellationToken cancellationToken = default) => ReadAsync<IReadOnlyList<OutboxItem>>(async () =>
    {
        await using var command = Command(
            "SELECT id, conversation_id, peer_account_id, client_message_id, content, created_ms, failure_code, failure_message FROM outbox ORDER BY id");
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new OutboxItem(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                (byte[])reader[3],
                (byte[])reader[4],
                reader.GetInt64(5),
                reader.IsDBNull(6) ? null : new OutboxFailure((ErrorCode)reader.GetInt64(6), reader.IsDBNull(7) ? "" : reader.GetString(7))));
        }
        return items;
    }, cancellationToken);

    public Task CompleteOutboxAsync(long id, StoredEntry entry, CancellationToken cancellationToken = default) => WriteAsync(async transaction =>
    {
        await DeleteOutboxAsync(id, transaction, cancellationToken);
        await InsertEntriesAsync([entry], transaction, cancellationToken);
    }, cancellationToken);

    public Task FailOutboxAsync(long id, OutboxFailure failure, CancellationToken cancellationToken = default) => WriteAsync(async transaction =>
    {
        await using var command = Command("UPDATE outbox SET failure_code = $code, failure_message = $message WHERE id = $id", transaction);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$code", (long)failure.Code);
        command.Parameters.AddWithValue("$message", failure.Message);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }, cancellationToken);

    public Task RemoveFromOutboxAsync(long id, CancellationToken cancellationToken = default) =>
        WriteAsync(transaction => DeleteOutboxAsync(id, transaction, cancellationToken), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await _connection.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    // ----- plumbing -------------------------------------------------------------------------------

    private async Task<IReadOnlyList<StoredEntry>> InsertEntriesAsync(IReadOnlyList<StoredEntry> entries, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(
            """
            INSERT OR IGNORE INTO entries (conversation_id, seq, timestamp, sender_account_id, sender_device_id, client_message_id, kind, body, unreadable)
            VALUES ($conversation, $seq, $timestamp, $sender, $device, $id, $kind, $body, $unreadable)
            """,
            transaction);
        var conversation = command.Parameters.Add("$conversation", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var timestamp = command.Parameters.Add("$timestamp", SqliteType.Integer);
        var sender = command.Parameters.Add("$sender", SqliteType.Text);
        var device = command.Parameters.Add("$device", SqliteType.Integer);
        var id = command.Parameters.Add("$id", SqliteType.Blob);
        var kind = command.Parameters.Add("$kind", SqliteType.Integer);
        var body = command.Parameters.Add("$body", SqliteType.Blob);
        var unreadable = command.Parameters.Add("$unreadable", SqliteType.Integer);
        var added = new List<StoredEntry>();
        foreach (var entry in entries)
        {
            conversation.Value = entry.ConversationId;
            seq.Value = (long)entry.Seq;
            timestamp.Value = (long)entry.Timestamp;
            sender.Value = entry.SenderAccountId;
            device.Value = (long)entry.SenderDeviceId;
            id.Value = entry.ClientMessageId;
            kind.Value = (long)entry.Kind;
            body.Value = entry.Body;
            unreadable.Value = entry.Unreadable ? 1 : 0;
            if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                added.Add(entry);
            }
        }
        return added;
    }

    private async Task DeleteOutboxAsync(long id, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command("DELETE FROM outbox WHERE id = $id", transaction);
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<ConversationRecord>> LoadConversationsAsync(string? onlyId, CancellationToken cancellationToken)
    {
        var members = new Dictionary<string, List<MemberRecord>>(StringComparer.Ordinal);
        await using (var command = Command(
            "SELECT conversation_id, account_id, phone_number, role, delivered_seq, read_seq FROM members WHERE $id IS NULL OR conversation_id = $id ORDER BY conversation_id, position"))
        {
            command.Parameters.AddWithValue("$id", (object?)onlyId ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var conversation = reader.GetString(0);
                if (!members.TryGetValue(conversation, out var list))
                {
                    members[conversation] = list = [];
                }
                list.Add(new MemberRecord(reader.GetString(1), reader.GetString(2), (MemberRole)reader.GetInt64(3), (ulong)reader.GetInt64(4), (ulong)reader.GetInt64(5)));
            }
        }
        var conversations = new List<ConversationRecord>();
        await using (var command = Command(
            "SELECT id, kind, name, head_seq, delivered_up_to, read_up_to FROM conversations WHERE $id IS NULL OR id = $id ORDER BY id"))
        {
            command.Parameters.AddWithValue("$id", (object?)onlyId ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                conversations.Add(new ConversationRecord(
                    id, (ConversationKind)reader.GetInt64(1), reader.GetString(2), members.GetValueOrDefault(id) ?? [],
                    (ulong)reader.GetInt64(3), (ulong)reader.GetInt64(4), (ulong)reader.GetInt64(5)));
            }
        }
        return conversations;
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await read();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // BEGIN IMMEDIATE: take the write lock up front, so that another process's writer makes this
            // one wait (busy_timeout) instead of failing halfway through.
            await using var transaction = _connection.BeginTransaction(deferred: false);
            var result = await write(transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task WriteAsync(Func<SqliteTransaction, Task> write, CancellationToken cancellationToken) => WriteAsync(async transaction =>
    {
        await write(transaction);
        return true;
    }, cancellationToken);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
