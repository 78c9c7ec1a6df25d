using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

public sealed class SqliteConversationStore(SqliteDatabase database) : IConversationStore
{
    /// <summary>Conversation ids to their integer keys (an id's key never changes once committed).</summary>
    private readonly ConcurrentDictionary<string, long> _keys = new(StringComparer.Ordinal);

    public Task<ConversationState?> LoadAsync(string conversationId, int recentEntries) => Task.FromResult(database.Read(c =>
    {
        using var row = c.Statement("SELECT key, kind, name, created_ms, head_seq, head_hlc FROM conversations WHERE id = $c", ("$c", conversationId)).ExecuteReader();
        if (!row.Read())
        {
            return null;
        }
        var (key, kind, name, created, headSeq, headHlc) = (row.GetInt64(0), (ConversationKind)row.GetInt64(1), row.GetString(2), row.GetInt64(3), (ulong)row.GetInt64(4), (ulong)row.GetInt64(5));
        row.Close();
        _keys[conversationId] = key;
        return new ConversationState(
            conversationId, kind, name, created, headSeq, headHlc,
            ReadMembers(c, key),
            ReadCursors(c, key),
            ReadRecent(c, key, recentEntries));
    }));

    public async Task AppendAsync(LogEntry entry, NewConversation? created, IReadOnlyList<MemberRecord> memberChanges)
    {
        var key = await database.Writes.ExecuteAsync(c =>
        {
            long key;
            if (created is not null)
            {
                if (entry.Seq != 1)
                {
                    throw new InvalidOperationException("A new conversation starts at seq 1.");
                }
                c.Statement(
                    "INSERT INTO conversations (id, kind, name, created_ms, head_seq, head_hlc) VALUES ($c, $kind, $name, $created, 1, $hlc)",
                    ("$c", entry.ConversationId), ("$kind", (long)created.Kind), ("$name", created.Name), ("$created", created.CreatedMs), ("$hlc", (long)entry.Timestamp))
                    .ExecuteNonQuery();
                key = (long)c.Statement("SELECT last_insert_rowid()").ExecuteScalar()!;
            }
            else
            {
                key = KeyOf(c, entry.ConversationId) ?? throw new LogConflictException(entry.ConversationId, entry.Seq);
                // Compare-and-set on the head: an entry that does not follow the stored head exactly
                // (a gap after a failed commit, or a second writer) is refused.
                var advanced = c.Statement(
                    "UPDATE conversations SET head_seq = $seq, head_hlc = $hlc WHERE key = $k AND head_seq = $seq - 1",
                    ("$k", key), ("$seq", (long)entry.Seq), ("$hlc", (long)entry.Timestamp))
                    .ExecuteNonQuery();
                if (advanced != 1)
                {
                    throw new LogConflictException(entry.ConversationId, entry.Seq);
                }
            }
            c.Statement("""
                INSERT INTO entries (conversation, seq, hlc, sender_account, sender_device, client_message_id, kind, payload, per_device)
                VALUES ($k, $seq, $hlc, $sender, $device, $cmid, $kind, $payload, $perDevice)
                """,
                ("$k", key), ("$seq", (long)entry.Seq), ("$hlc", (long)entry.Timestamp),
                ("$sender", entry.SenderAccount.ToByteArray()), ("$device", (long)entry.SenderDevice),
                ("$cmid", entry.ClientMessageId), ("$kind", (long)entry.Kind),
                ("$payload", entry.Payload), ("$perDevice", entry.PerDevice ? 1L : 0L))
                .ExecuteNonQuery();
            if (entry.DevicePayloads is { Count: > 0 } payloads)
            {
                foreach (var payload in payloads)
                {
                    c.Statement(
                        "INSERT INTO device_payloads (conversation, seq, account_id, device_id, payload) VALUES ($k, $seq, $account, $device, $payload)",
                        ("$k", key), ("$seq", (long)entry.Seq), ("$account", payload.AccountId.ToByteArray()),
                        ("$device", (long)payload.DeviceId), ("$payload", payload.Payload))
                        .ExecuteNonQuery();
                }
            }
            UpsertMembers(c, key, memberChanges);
            return key;
        });
        // Only a committed key is remembered: a rolled-back insert may see its key reused.
        _keys[entry.ConversationId] = key;
    }

    public Task<RecentEntry?> FindByClientMessageIdAsync(string conversationId, Guid sender, byte[] clientMessageId, ulong afterSeq) => Task.FromResult(database.Read(c =>
    {
        if (KeyOf(c, conversationId) is not { } key)
        {
            return null;
        }
        // No index on client message ids (it would double the cost of every append): a retry scans
        // the conversation's recent entries, a rare and bounded cost.
        using var row = c.Statement(
            "SELECT seq, hlc FROM entries WHERE conversation = $k AND seq > $after AND sender_account = $sender AND client_message_id = $cmid ORDER BY seq LIMIT 1",
            ("$k", key), ("$after", (long)afterSeq), ("$sender", sender.ToByteArray()), ("$cmid", clientMessageId))
            .ExecuteReader();
        return row.Read() ? new RecentEntry((ulong)row.GetInt64(0), (ulong)row.GetInt64(1), sender, clientMessageId) : null;
    }));

    public Task SavePositionsAsync(string conversationId, IReadOnlyList<DeviceCursor> cursors, IReadOnlyList<MemberRecord> watermarks) =>
        database.Writes.ExecuteAsync(c =>
        {
            if (KeyOf(c, conversationId) is not { } key)
            {
                return;
            }
            foreach (var cursor in cursors)
            {
                c.Statement("""
                    INSERT INTO device_cursors (account_id, device_id, conversation, acked_seq) VALUES ($account, $device, $k, $seq)
                    ON CONFLICT (account_id, device_id, conversation) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq)
                    """, ("$k", key), ("$account", cursor.AccountId.ToByteArray()), ("$device", (long)cursor.DeviceId), ("$seq", (long)cursor.AckedSeq))
                    .ExecuteNonQuery();
            }
            foreach (var member in watermarks)
            {
                c.Statement(
                    "UPDATE members SET delivered_seq = max(delivered_seq, $delivered), read_seq = max(read_seq, $read) WHERE conversation = $k AND account_id = $account",
                    ("$k", key), ("$account", member.AccountId.ToByteArray()), ("$delivered", (long)member.DeliveredSeq), ("$read", (long)member.ReadSeq))
                    .ExecuteNonQuery();
            }
        });

    public Task<IReadOnlyList<SyncPosition>> GetSyncPositionsAsync(
        Guid accountId, uint deviceId, IReadOnlyDictionary<string, ulong> clientCursors, string? conversationId = null) =>
        Task.FromResult(database.Read(c =>
        {
            const string Select = """
                SELECT v.id, m.joined_seq, m.left_seq, v.head_seq, d.acked_seq
                FROM members m
                JOIN conversations v ON v.key = m.conversation
                LEFT JOIN device_cursors d ON d.account_id = m.account_id AND d.device_id = $device AND d.conversation = m.conversation
                WHERE m.account_id = $account
                """;
            var command = conversationId is null
                ? c.Statement(Select, ("$account", accountId.ToByteArray()), ("$device", (long)deviceId))
                : c.Statement(Select + " AND v.id = $c", ("$account", accountId.ToByteArray()), ("$device", (long)deviceId), ("$c", conversationId));
            using var row = command.ExecuteReader();
            var positions = new List<SyncPosition>();
            while (row.Read())
            {
                var id = row.GetString(0);
                var joined = (ulong)row.GetInt64(1);
                var visibleHead = row.IsDBNull(2) ? (ulong)row.GetInt64(3) : (ulong)row.GetInt64(2);
                var position = clientCursors.TryGetValue(id, out var cursor) ? cursor
                    : row.IsDBNull(4) ? joined - 1
                    : (ulong)row.GetInt64(4);
                positions.Add(new SyncPosition(id, position, visibleHead));
            }
            return (IReadOnlyList<SyncPosition>)positions;
        }));

    public Task<IReadOnlyList<LogEntry>> ReadAsync(Guid accountId, uint deviceId, string conversationId, ulong afterSeq, int limit) =>
        Task.FromResult(database.Read(c =>
        {
            var entries = new List<LogEntry>();
            if (KeyOf(c, conversationId) is not { } key)
            {
                return (IReadOnlyList<LogEntry>)entries;
            }
            using var row = c.Statement("""
                SELECT e.seq, e.hlc, e.sender_account, e.sender_device, e.client_message_id, e.kind, e.payload, e.per_device, p.payload
                FROM members m
                JOIN entries e ON e.conversation = m.conversation
                LEFT JOIN device_payloads p ON p.conversation = e.conversation AND p.seq = e.seq AND p.account_id = m.account_id AND p.device_id = $device
                WHERE m.conversation = $k AND m.account_id = $account
                  AND e.seq > $after AND e.seq >= m.joined_seq AND (m.left_seq IS NULL OR e.seq <= m.left_seq)
                ORDER BY e.seq
                LIMIT $limit
                """, ("$k", key), ("$account", accountId.ToByteArray()), ("$device", (long)deviceId), ("$after", (long)afterSeq), ("$limit", (long)limit))
                .ExecuteReader();
            while (row.Read())
            {
                var perDevice = row.GetInt64(7) != 0;
                var payload = perDevice
                    ? row.IsDBNull(8) ? null : (byte[])row[8]
                    : row.IsDBNull(6) ? null : (byte[])row[6];
                entries.Add(new LogEntry(
                    conversationId,
                    (ulong)row.GetInt64(0),
                    (ulong)row.GetInt64(1),
                    new Guid((byte[])row[2]),
                    (uint)row.GetInt64(3),
                    row.IsDBNull(4) ? null : (byte[])row[4],
                    (EntryKind)row.GetInt64(5),
                    payload,
                    perDevice,
                    DevicePayloads: null));
            }
            return (IReadOnlyList<LogEntry>)entries;
        }));

    public Task<IReadOnlyList<string>> ListConversationIdsAsync(Guid accountId) => Task.FromResult(database.Read(c =>
    {
        using var row = c.Statement(
            "SELECT v.id FROM members m JOIN conversations v ON v.key = m.conversation WHERE m.account_id = $account AND m.left_seq IS NULL ORDER BY v.id",
            ("$account", accountId.ToByteArray())).ExecuteReader();
        var ids = new List<string>();
        while (row.Read())
        {
            ids.Add(row.GetString(0));
        }
        return (IReadOnlyList<string>)ids;
    }));

    public Task<bool> ShareConversationAsync(Guid a, Guid b) => Task.FromResult(database.Read(c =>
        c.Statement("""
            SELECT 1 FROM members x JOIN members y ON y.conversation = x.conversation
            WHERE x.account_id = $a AND y.account_id = $b AND x.left_seq IS NULL AND y.left_seq IS NULL
            LIMIT 1
            """, ("$a", a.ToByteArray()), ("$b", b.ToByteArray())).ExecuteScalar() is not null));

    public Task<int> PruneAsync(ulong olderThanTimestamp) => database.Writes.ExecuteAsync(c =>
    {
        // The floor of each conversation: the lowest position of any device of any current member
        // (a device that never acknowledged stands just before its member joined).
        var safe = new List<(long Key, long Floor)>();
        using (var row = c.Statement("""
            SELECT m.conversation, MIN(COALESCE(k.acked_seq, m.joined_seq - 1))
            FROM members m
            JOIN devices d ON d.account_id = m.account_id
            LEFT JOIN device_cursors k ON k.account_id = d.account_id AND k.device_id = d.device_id AND k.conversation = m.conversation
            WHERE m.left_seq IS NULL
            GROUP BY m.conversation
            """).ExecuteReader())
        {
            while (row.Read())
            {
                safe.Add((row.GetInt64(0), row.GetInt64(1)));
            }
        }
        var deleted = 0;
        foreach (var (key, floor) in safe)
        {
            c.Statement("""
                DELETE FROM device_payloads WHERE conversation = $k AND seq IN
                    (SELECT seq FROM entries WHERE conversation = $k AND seq <= $floor AND hlc < $cutoff AND per_device = 1)
                """, ("$k", key), ("$floor", floor), ("$cutoff", (long)olderThanTimestamp)).ExecuteNonQuery();
            deleted += c.Statement("DELETE FROM entries WHERE conversation = $k AND seq <= $floor AND hlc < $cutoff",
                ("$k", key), ("$floor", floor), ("$cutoff", (long)olderThanTimestamp)).ExecuteNonQuery();
        }
        return deleted;
    });

    /// <summary>The conversation's integer key, or null when it does not exist (committed).</summary>
    private long? KeyOf(SqliteConnection c, string conversationId)
    {
        if (_keys.TryGetValue(conversationId, out var key))
        {
            return key;
        }
        if (c.Statement("SELECT key FROM conversations WHERE id = $c", ("$c", conversationId)).ExecuteScalar() is not long found)
        {
            return null;
        }
        if (_keys.Count > 1_000_000)
        {
            _keys.Clear();
        }
        return _keys[conversationId] = found;
    }

    private static List<MemberRecord> ReadMembers(SqliteConnection c, long key)
    {
        using var row = c.Statement(
            "SELECT account_id, role, joined_seq, left_seq, delivered_seq, read_seq FROM members WHERE conversation = $k ORDER BY joined_seq, account_id",
            ("$k", key)).ExecuteReader();
        var members = new List<MemberRecord>();
        while (row.Read())
        {
            members.Add(new MemberRecord(
                new Guid((byte[])row[0]), (MemberRole)row.GetInt64(1), (ulong)row.GetInt64(2),
                row.IsDBNull(3) ? null : (ulong)row.GetInt64(3), (ulong)row.GetInt64(4), (ulong)row.GetInt64(5)));
        }
        return members;
    }

    private static List<DeviceCursor> ReadCursors(SqliteConnection c, long key)
    {
        using var row = c.Statement("SELECT account_id, device_id, acked_seq FROM device_cursors WHERE conversation = $k", ("$k", key)).ExecuteReader();
        var cursors = new List<DeviceCursor>();
        while (row.Read())
        {
            cursors.Add(new DeviceCursor(new Guid((byte[])row[0]), (uint)row.GetInt64(1), (ulong)row.GetInt64(2)));
        }
        return cursors;
    }

    private static List<RecentEntry> ReadRecent(SqliteConnection c, long key, int count)
    {
        using var row = c.Statement(
            "SELECT seq, hlc, sender_account, client_message_id FROM entries WHERE conversation = $k ORDER BY seq DESC LIMIT $n",
            ("$k", key), ("$n", (long)count)).ExecuteReader();
        var recent = new List<RecentEntry>();
        while (row.Read())
        {
            recent.Add(new RecentEntry((ulong)row.GetInt64(0), (ulong)row.GetInt64(1), new Guid((byte[])row[2]), row.IsDBNull(3) ? null : (byte[])row[3]));
        }
        recent.Reverse();
        return recent;
    }

    private static void UpsertMembers(SqliteConnection c, long key, IReadOnlyList<MemberRecord> members)
    {
        foreach (var member in members)
        {
            c.Statement("""
                INSERT INTO members (conversation, account_id, role, joined_seq, left_seq, delivered_seq, read_seq)
                VALUES ($k, $account, $role, $joined, $left, $delivered, $read)
                ON CONFLICT (conversation, account_id) DO UPDATE SET
                    role = excluded.role, joined_seq = excluded.joined_seq, left_seq = excluded.left_seq,
                    delivered_seq = max(delivered_seq, excluded.delivered_seq), read_seq = max(read_seq, excluded.read_seq)
                """,
                ("$k", key), ("$account", member.AccountId.ToByteArray()), ("$role", (long)member.Role), ("$joined", (long)member.JoinedSeq),
                ("$left", member.LeftSeq is { } left ? (long)left : null), ("$delivered", (long)member.DeliveredSeq), ("$read", (long)member.ReadSeq))
                .ExecuteNonQuery();
        }
    }
}
