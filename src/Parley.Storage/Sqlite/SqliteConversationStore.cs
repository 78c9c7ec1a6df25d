using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

public sealed class SqliteConversationStore(SqliteDatabase database) : IConversationStore
{
    public Task<ConversationState?> LoadAsync(string conversationId, int recentEntries) => Task.FromResult(database.Read(c =>
    {
        using var head = Command(c, "SELECT kind, name, created_ms, head_seq, head_hlc FROM conversations WHERE id = $c", ("$c", conversationId));
        using var row = head.ExecuteReader();
        if (!row.Read())
        {
            return null;
        }
        var (kind, name, created, headSeq, headHlc) = ((ConversationKind)row.GetInt64(0), row.GetString(1), row.GetInt64(2), (ulong)row.GetInt64(3), (ulong)row.GetInt64(4));
        return new ConversationState(
            conversationId, kind, name, created, headSeq, headHlc,
            ReadMembers(c, conversationId),
            ReadCursors(c, conversationId),
            ReadRecent(c, conversationId, recentEntries));
    }));

    public Task AppendAsync(LogEntry entry, NewConversation? created, IReadOnlyList<MemberRecord> memberChanges) =>
        database.Writes.ExecuteAsync(c =>
        {
            if (created is not null)
            {
                if (entry.Seq != 1)
                {
                    throw new InvalidOperationException("A new conversation starts at seq 1.");
                }
                using var insert = Command(c,
                    "INSERT INTO conversations (id, kind, name, created_ms, head_seq, head_hlc) VALUES ($c, $kind, $name, $created, 1, $hlc)",
                    ("$c", entry.ConversationId), ("$kind", (long)created.Kind), ("$name", created.Name), ("$created", created.CreatedMs), ("$hlc", (long)entry.Timestamp));
                insert.ExecuteNonQuery();
            }
            else
            {
                // Compare-and-set on the head: an entry that does not follow the stored head exactly
                // (a gap after a failed commit, or a second writer) is refused.
                using var advance = Command(c,
                    "UPDATE conversations SET head_seq = $seq, head_hlc = $hlc WHERE id = $c AND head_seq = $seq - 1",
                    ("$c", entry.ConversationId), ("$seq", (long)entry.Seq), ("$hlc", (long)entry.Timestamp));
                if (advance.ExecuteNonQuery() != 1)
                {
                    throw new LogConflictException(entry.ConversationId, entry.Seq);
                }
            }
            using (var insert = Command(c, """
                INSERT INTO entries (conversation_id, seq, hlc, sender_account, sender_device, client_message_id, kind, payload, per_device)
                VALUES ($c, $seq, $hlc, $sender, $device, $cmid, $kind, $payload, $perDevice)
                """,
                ("$c", entry.ConversationId), ("$seq", (long)entry.Seq), ("$hlc", (long)entry.Timestamp),
                ("$sender", entry.SenderAccount.ToString()), ("$device", (long)entry.SenderDevice),
                ("$cmid", (object?)entry.ClientMessageId ?? DBNull.Value), ("$kind", (long)entry.Kind),
                ("$payload", (object?)entry.Payload ?? DBNull.Value), ("$perDevice", entry.PerDevice ? 1L : 0L)))
            {
                insert.ExecuteNonQuery();
            }
            if (entry.DevicePayloads is { Count: > 0 } payloads)
            {
                using var insert = Command(c,
                    "INSERT INTO device_payloads (conversation_id, seq, account_id, device_id, payload) VALUES ($c, $seq, $account, $device, $payload)",
                    ("$c", entry.ConversationId), ("$seq", (long)entry.Seq), ("$account", ""), ("$device", 0L), ("$payload", Array.Empty<byte>()));
                foreach (var payload in payloads)
                {
                    insert.Parameters["$account"].Value = payload.AccountId.ToString();
                    insert.Parameters["$device"].Value = (long)payload.DeviceId;
                    insert.Parameters["$payload"].Value = payload.Payload;
                    insert.ExecuteNonQuery();
                }
            }
            UpsertMembers(c, entry.ConversationId, memberChanges);
        });

    public Task<RecentEntry?> FindByClientMessageIdAsync(string conversationId, Guid sender, byte[] clientMessageId) => Task.FromResult(database.Read(c =>
    {
        using var command = Command(c,
            "SELECT seq, hlc FROM entries WHERE conversation_id = $c AND sender_account = $sender AND client_message_id = $cmid ORDER BY seq LIMIT 1",
            ("$c", conversationId), ("$sender", sender.ToString()), ("$cmid", clientMessageId));
        using var row = command.ExecuteReader();
        return row.Read() ? new RecentEntry((ulong)row.GetInt64(0), (ulong)row.GetInt64(1), sender, clientMessageId) : null;
    }));

    public Task SavePositionsAsync(string conversationId, IReadOnlyList<DeviceCursor> cursors, IReadOnlyList<MemberRecord> watermarks) =>
        database.Writes.ExecuteAsync(c =>
        {
            if (cursors.Count > 0)
            {
                using var upsert = Command(c, """
                    INSERT INTO device_cursors (account_id, device_id, conversation_id, acked_seq) VALUES ($account, $device, $c, $seq)
                    ON CONFLICT (account_id, device_id, conversation_id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq)
                    """, ("$c", conversationId), ("$account", ""), ("$device", 0L), ("$seq", 0L));
                foreach (var cursor in cursors)
                {
                    upsert.Parameters["$account"].Value = cursor.AccountId.ToString();
                    upsert.Parameters["$device"].Value = (long)cursor.DeviceId;
                    upsert.Parameters["$seq"].Value = (long)cursor.AckedSeq;
                    upsert.ExecuteNonQuery();
                }
            }
            if (watermarks.Count > 0)
            {
                using var update = Command(c,
                    "UPDATE members SET delivered_seq = max(delivered_seq, $delivered), read_seq = max(read_seq, $read) WHERE conversation_id = $c AND account_id = $account",
                    ("$c", conversationId), ("$account", ""), ("$delivered", 0L), ("$read", 0L));
                foreach (var member in watermarks)
                {
                    update.Parameters["$account"].Value = member.AccountId.ToString();
                    update.Parameters["$delivered"].Value = (long)member.DeliveredSeq;
                    update.Parameters["$read"].Value = (long)member.ReadSeq;
                    update.ExecuteNonQuery();
                }
            }
        });

    public Task<IReadOnlyList<SyncPosition>> GetSyncPositionsAsync(
        Guid accountId, uint deviceId, IReadOnlyDictionary<string, ulong> clientCursors, string? conversationId = null) =>
        Task.FromResult(database.Read(c =>
        {
            using var command = Command(c, $"""
                SELECT m.conversation_id, m.joined_seq, m.left_seq, v.head_seq, d.acked_seq
                FROM members m
                JOIN conversations v ON v.id = m.conversation_id
                LEFT JOIN device_cursors d ON d.account_id = m.account_id AND d.device_id = $device AND d.conversation_id = m.conversation_id
                WHERE m.account_id = $account {(conversationId is null ? "" : "AND m.conversation_id = $c")}
                """, ("$account", accountId.ToString()), ("$device", (long)deviceId), ("$c", conversationId ?? ""));
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
            using var command = Command(c, """
                SELECT e.seq, e.hlc, e.sender_account, e.sender_device, e.client_message_id, e.kind, e.payload, e.per_device, p.payload
                FROM members m
                JOIN entries e ON e.conversation_id = m.conversation_id
                LEFT JOIN device_payloads p ON p.conversation_id = e.conversation_id AND p.seq = e.seq AND p.account_id = m.account_id AND p.device_id = $device
                WHERE m.conversation_id = $c AND m.account_id = $account
                  AND e.seq > $after AND e.seq >= m.joined_seq AND (m.left_seq IS NULL OR e.seq <= m.left_seq)
                ORDER BY e.seq
                LIMIT $limit
                """, ("$c", conversationId), ("$account", accountId.ToString()), ("$device", (long)deviceId), ("$after", (long)afterSeq), ("$limit", (long)limit));
            using var row = command.ExecuteReader();
            var entries = new List<LogEntry>();
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
                    Guid.Parse(row.GetString(2)),
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
        using var command = Command(c, "SELECT conversation_id FROM members WHERE account_id = $account AND left_seq IS NULL ORDER BY conversation_id",
            ("$account", accountId.ToString()));
        using var row = command.ExecuteReader();
        var ids = new List<string>();
        while (row.Read())
        {
            ids.Add(row.GetString(0));
        }
        return (IReadOnlyList<string>)ids;
    }));

    public Task<bool> ShareConversationAsync(Guid a, Guid b) => Task.FromResult(database.Read(c =>
    {
        using var command = Command(c, """
            SELECT 1 FROM members x JOIN members y ON y.conversation_id = x.conversation_id
            WHERE x.account_id = $a AND y.account_id = $b AND x.left_seq IS NULL AND y.left_seq IS NULL
            LIMIT 1
            """, ("$a", a.ToString()), ("$b", b.ToString()));
        return command.ExecuteScalar() is not null;
    }));

    public Task<int> PruneAsync(ulong olderThanTimestamp) => database.Writes.ExecuteAsync(c =>
    {
        // The floor of each conversation: the lowest position of any device of any current member
        // (a device that never acknowledged stands just before its member joined).
        using var floors = Command(c, """
            SELECT m.conversation_id, MIN(COALESCE(k.acked_seq, m.joined_seq - 1))
            FROM members m
            JOIN devices d ON d.account_id = m.account_id
            LEFT JOIN device_cursors k ON k.account_id = d.account_id AND k.device_id = d.device_id AND k.conversation_id = m.conversation_id
            WHERE m.left_seq IS NULL
            GROUP BY m.conversation_id
            """);
        var safe = new List<(string Id, long Floor)>();
        using (var row = floors.ExecuteReader())
        {
            while (row.Read())
            {
                safe.Add((row.GetString(0), row.GetInt64(1)));
            }
        }
        var deleted = 0;
        using var deletePayloads = Command(c, """
            DELETE FROM device_payloads WHERE conversation_id = $c AND seq IN
                (SELECT seq FROM entries WHERE conversation_id = $c AND seq <= $floor AND hlc < $cutoff AND per_device = 1)
            """, ("$c", ""), ("$floor", 0L), ("$cutoff", (long)olderThanTimestamp));
        using var deleteEntries = Command(c, "DELETE FROM entries WHERE conversation_id = $c AND seq <= $floor AND hlc < $cutoff",
            ("$c", ""), ("$floor", 0L), ("$cutoff", (long)olderThanTimestamp));
        foreach (var (id, floor) in safe)
        {
            foreach (var command in new[] { deletePayloads, deleteEntries })
            {
                command.Parameters["$c"].Value = id;
                command.Parameters["$floor"].Value = floor;
            }
            deletePayloads.ExecuteNonQuery();
            deleted += deleteEntries.ExecuteNonQuery();
        }
        return deleted;
    });

    private static List<MemberRecord> ReadMembers(SqliteConnection c, string conversationId)
    {
        using var command = Command(c,
            "SELECT account_id, role, joined_seq, left_seq, delivered_seq, read_seq FROM members WHERE conversation_id = $c ORDER BY joined_seq, account_id",
            ("$c", conversationId));
        using var row = command.ExecuteReader();
        var members = new List<MemberRecord>();
        while (row.Read())
        {
            members.Add(new MemberRecord(
                Guid.Parse(row.GetString(0)), (MemberRole)row.GetInt64(1), (ulong)row.GetInt64(2),
                row.IsDBNull(3) ? null : (ulong)row.GetInt64(3), (ulong)row.GetInt64(4), (ulong)row.GetInt64(5)));
        }
        return members;
    }

    private static List<DeviceCursor> ReadCursors(SqliteConnection c, string conversationId)
    {
        using var command = Command(c, "SELECT account_id, device_id, acked_seq FROM device_cursors WHERE conversation_id = $c", ("$c", conversationId));
        using var row = command.ExecuteReader();
        var cursors = new List<DeviceCursor>();
        while (row.Read())
        {
            cursors.Add(new DeviceCursor(Guid.Parse(row.GetString(0)), (uint)row.GetInt64(1), (ulong)row.GetInt64(2)));
        }
        return cursors;
    }

    private static List<RecentEntry> ReadRecent(SqliteConnection c, string conversationId, int count)
    {
        using var command = Command(c,
            "SELECT seq, hlc, sender_account, client_message_id FROM entries WHERE conversation_id = $c ORDER BY seq DESC LIMIT $n",
            ("$c", conversationId), ("$n", (long)count));
        using var row = command.ExecuteReader();
        var recent = new List<RecentEntry>();
        while (row.Read())
        {
            recent.Add(new RecentEntry((ulong)row.GetInt64(0), (ulong)row.GetInt64(1), Guid.Parse(row.GetString(2)), row.IsDBNull(3) ? null : (byte[])row[3]));
        }
        recent.Reverse();
        return recent;
    }

    private static void UpsertMembers(SqliteConnection c, string conversationId, IReadOnlyList<MemberRecord> members)
    {
        if (members.Count == 0)
        {
            return;
        }
        using var upsert = Command(c, """
            INSERT INTO members (conversation_id, account_id, role, joined_seq, left_seq, delivered_seq, read_seq)
            VALUES ($c, $account, $role, $joined, $left, $delivered, $read)
            ON CONFLICT (conversation_id, account_id) DO UPDATE SET
                role = excluded.role, joined_seq = excluded.joined_seq, left_seq = excluded.left_seq,
                delivered_seq = max(delivered_seq, excluded.delivered_seq), read_seq = max(read_seq, excluded.read_seq)
            """, ("$c", conversationId), ("$account", ""), ("$role", 0L), ("$joined", 0L), ("$left", DBNull.Value), ("$delivered", 0L), ("$read", 0L));
        foreach (var member in members)
        {
            upsert.Parameters["$account"].Value = member.AccountId.ToString();
            upsert.Parameters["$role"].Value = (long)member.Role;
            upsert.Parameters["$joined"].Value = (long)member.JoinedSeq;
            upsert.Parameters["$left"].Value = member.LeftSeq is { } left ? (long)left : DBNull.Value;
            upsert.Parameters["$delivered"].Value = (long)member.DeliveredSeq;
            upsert.Parameters["$read"].Value = (long)member.ReadSeq;
            upsert.ExecuteNonQuery();
        }
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, params (string Name, object Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }
}
