using Parley.Storage.Sqlite;

namespace Parley.Storage.Tests;

public class ConversationStoreTests
{
    private static readonly Guid Alice = Guid.NewGuid();
    private static readonly Guid Bob = Guid.NewGuid();

    private static LogEntry Entry(string c, ulong seq, Guid sender, byte[]? payload = null, IReadOnlyList<DevicePayload>? perDevice = null) =>
        new(c, seq, seq << 16, sender, 1, Guid.NewGuid().ToByteArray(), EntryKind.Message, payload ?? [(byte)seq], perDevice is not null, perDevice);

    private static MemberRecord Member(Guid account, ulong joined = 1, ulong? left = null) => new(account, MemberRole.Member, joined, left, 0, 0);

    private static async Task<(TempDatabase Temp, SqliteConversationStore Store)> WithConversationAsync(string id, int entries)
    {
        var temp = new TempDatabase();
        var store = new SqliteConversationStore(temp.Database);
        await store.AppendAsync(Entry(id, 1, Alice), new NewConversation(ConversationKind.Direct, "", 1000), [Member(Alice), Member(Bob)]);
        for (ulong seq = 2; seq <= (ulong)entries; seq++)
        {
            await store.AppendAsync(Entry(id, seq, seq % 2 == 0 ? Bob : Alice), null, []);
        }
        return (temp, store);
    }

    [Fact]
    public async Task An_append_must_follow_the_stored_head_exactly()
    {
        var (temp, store) = await WithConversationAsync("d_a", 3);
        await using var _ = temp;

        await Assert.ThrowsAsync<LogConflictException>(() => store.AppendAsync(Entry("d_a", 5, Alice), null, []));   // a gap
        await Assert.ThrowsAsync<LogConflictException>(() => store.AppendAsync(Entry("d_a", 3, Alice), null, []));   // a fork
        await store.AppendAsync(Entry("d_a", 4, Alice), null, []);

        var state = (await store.LoadAsync("d_a", 10))!;
        Assert.Equal(4ul, state.HeadSeq);
        Assert.Equal([1ul, 2ul, 3ul, 4ul], state.RecentEntries.Select(e => e.Seq));
    }

    [Fact]
    public async Task A_conversation_is_created_once()
    {
        var (temp, store) = await WithConversationAsync("d_b", 1);
        await using var _ = temp;

        await Assert.ThrowsAnyAsync<Exception>(() => store.AppendAsync(Entry("d_b", 1, Alice), new NewConversation(ConversationKind.Direct, "", 1), []));
        Assert.Null(await store.LoadAsync("d_unknown", 10));
    }

    [Fact]
    public async Task Reads_show_a_member_only_its_part_of_the_log_with_its_own_device_payloads()
    {
        await using var temp = new TempDatabase();
        var store = new SqliteConversationStore(temp.Database);
        var carol = Guid.NewGuid();
        await store.AppendAsync(Entry("g_c", 1, Alice), new NewConversation(ConversationKind.Group, "g", 1000), [Member(Alice), Member(Bob)]);
        await store.AppendAsync(Entry("g_c", 2, Alice), null, [Member(carol, joined: 2)]);
        await store.AppendAsync(Entry("g_c", 3, Alice, perDevice: [new DevicePayload(carol, 1, [30]), new DevicePayload(carol, 2, [31])]), null, []);
        await store.AppendAsync(Entry("g_c", 4, Alice), null, [Member(carol, joined: 2, left: 4)]);
        await store.AppendAsync(Entry("g_c", 5, Alice), null, []);

        var carolsPhone = await store.ReadAsync(carol, 1, "g_c", 0, 100);
        var carolsLaptop = await store.ReadAsync(carol, 2, "g_c", 0, 100);
        var bobs = await store.ReadAsync(Bob, 1, "g_c", 2, 2);
        var stranger = await store.ReadAsync(Guid.NewGuid(), 1, "g_c", 0, 100);

        Assert.Equal([2ul, 3ul, 4ul], carolsPhone.Select(e => e.Seq));
        Assert.Equal([30], carolsPhone[1].Payload);
        Assert.Equal([31], carolsLaptop[1].Payload);
        Assert.Equal([3ul, 4ul], bobs.Select(e => e.Seq));
        Assert.Null(bobs[0].Payload); // per-device, none for Bob
        Assert.Empty(stranger);
    }

    [Fact]
    public async Task Sync_positions_come_from_the_client_cursor_else_the_last_ack_else_the_join_point()
    {
        var (temp, store) = await WithConversationAsync("d_d", 6);
        await using var _ = temp;
        await store.SavePositionsAsync("d_d", [new DeviceCursor(Bob, 1, 4)], [Member(Bob) with { DeliveredSeq = 4 }]);

        var acked = Assert.Single(await store.GetSyncPositionsAsync(Bob, 1, new Dictionary<string, ulong>()));
        var fresh = Assert.Single(await store.GetSyncPositionsAsync(Bob, 2, new Dictionary<string, ulong>()));
        var own = Assert.Single(await store.GetSyncPositionsAsync(Bob, 1, new Dictionary<string, ulong> { ["d_d"] = 2 }));

        Assert.Equal(new SyncPosition("d_d", 4, 6), acked);
        Assert.Equal(new SyncPosition("d_d", 0, 6), fresh);
        Assert.Equal(new SyncPosition("d_d", 2, 6), own);
        Assert.Empty(await store.GetSyncPositionsAsync(Guid.NewGuid(), 1, new Dictionary<string, ulong>()));
        Assert.Equal(4ul, (await store.LoadAsync("d_d", 1))!.Members.Single(m => m.AccountId == Bob).DeliveredSeq);
    }

    [Fact]
    public async Task Cursors_and_watermarks_never_move_back()
    {
        var (temp, store) = await WithConversationAsync("d_e", 5);
        await using var _ = temp;
        await store.SavePositionsAsync("d_e", [new DeviceCursor(Bob, 1, 4)], [Member(Bob) with { DeliveredSeq = 4, ReadSeq = 3 }]);
        await store.SavePositionsAsync("d_e", [new DeviceCursor(Bob, 1, 2)], [Member(Bob) with { DeliveredSeq = 1, ReadSeq = 1 }]);

        var state = (await store.LoadAsync("d_e", 1))!;
        Assert.Equal(4ul, state.Cursors.Single().AckedSeq);
        Assert.Equal((4ul, 3ul), (state.Members.Single(m => m.AccountId == Bob).DeliveredSeq, state.Members.Single(m => m.AccountId == Bob).ReadSeq));
    }

    [Fact]
    public async Task A_retried_client_message_id_is_found_for_its_sender()
    {
        await using var temp = new TempDatabase();
        var store = new SqliteConversationStore(temp.Database);
        var id = Guid.NewGuid().ToByteArray();
        await store.AppendAsync(Entry("d_f", 1, Alice) with { ClientMessageId = id }, new NewConversation(ConversationKind.Direct, "", 1), [Member(Alice), Member(Bob)]);

        for (ulong seq = 2; seq <= 5; seq++)
        {
            await store.AppendAsync(Entry("d_f", seq, Alice), null, []);
        }

        Assert.Equal(1ul, (await store.FindByClientMessageIdAsync("d_f", Alice, id, afterSeq: 0))!.Seq);
        Assert.Null(await store.FindByClientMessageIdAsync("d_f", Bob, id, afterSeq: 0));
        Assert.Null(await store.FindByClientMessageIdAsync("d_f", Alice, id, afterSeq: 1)); // beyond the lookback
        Assert.Null(await store.FindByClientMessageIdAsync("d_unknown", Alice, id, afterSeq: 0));
    }

    [Fact]
    public async Task Pruning_keeps_what_any_current_members_device_has_not_acknowledged()
    {
        var (temp, store) = await WithConversationAsync("d_g", 6);
        await using var _ = temp;
        var accounts = new SqliteAccountStore(temp.Database);
        foreach (var account in new[] { Alice, Bob })
        {
            await accounts.SaveAccountAsync(new AccountRecord(account, $"+1555{account.GetHashCode() & 0xFFFFFF:D8}", 0, false, 0, 2));
            await accounts.SaveDeviceAsync(new DeviceRecord(account, 1, "d", [1], 0, 0));
        }
        await store.SavePositionsAsync("d_g", [new DeviceCursor(Alice, 1, 6), new DeviceCursor(Bob, 1, 3)], []);

        Assert.Equal(0, await store.PruneAsync(olderThanTimestamp: 1)); // nothing is old enough
        Assert.Equal(3, await store.PruneAsync(olderThanTimestamp: ulong.MaxValue >> 1));
        Assert.Equal([4ul, 5ul, 6ul], (await store.ReadAsync(Bob, 1, "d_g", 0, 100)).Select(e => e.Seq));
    }
}
