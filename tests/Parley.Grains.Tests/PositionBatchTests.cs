using Parley.Grains.Conversations;
using Parley.Storage;

namespace Parley.Grains.Tests;

public class PositionBatchTests
{
    [Fact]
    public void Later_changes_to_a_device_or_member_replace_earlier_ones_in_a_batch()
    {
        var batch = new PositionBatch();
        var account = Guid.NewGuid();
        batch.Cursor(new DeviceCursor(account, 1, 3));
        batch.Cursor(new DeviceCursor(account, 1, 5));
        batch.Cursor(new DeviceCursor(account, 2, 4));
        batch.Delivered(new MemberRecord(account, MemberRole.Member, 1, null, 3, 0), after: 1, upTo: 3);
        batch.Delivered(new MemberRecord(account, MemberRole.Member, 1, null, 5, 0), after: 3, upTo: 5);
        batch.Read(new MemberRecord(account, MemberRole.Member, 1, null, 5, 2), upTo: 2);

        var taken = batch.TakeBatch()!;

        Assert.Equal([5ul, 4ul], taken.Cursors.Select(c => c.AckedSeq));
        Assert.Equal((5ul, 2ul), (Assert.Single(taken.Watermarks).DeliveredSeq, taken.Watermarks[0].ReadSeq));
        Assert.Equal((1ul, 5ul), taken.Delivered[account]);   // one receipt covering both moves
        Assert.Equal(2ul, taken.Read[account]);
        Assert.Null(batch.TakeBatch());
    }

    [Fact]
    public void Waiting_for_a_flush_completes_when_the_batch_holding_the_change_is_done()
    {
        var batch = new PositionBatch();
        Assert.True(batch.WhenFlushed().IsCompleted);

        batch.Cursor(new DeviceCursor(Guid.NewGuid(), 1, 1));
        var waiting = batch.WhenFlushed();
        var taken = batch.TakeBatch()!;
        batch.Cursor(new DeviceCursor(Guid.NewGuid(), 1, 2));
        var next = batch.WhenFlushed();

        Assert.False(waiting.IsCompleted);
        taken.Done.SetResult();
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.False(next.IsCompleted);
    }
}
