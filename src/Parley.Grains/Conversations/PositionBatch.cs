using Parley.Storage;

namespace Parley.Grains.Conversations;

/// <summary>
/// Cursor and watermark changes waiting to be written, with the receipts to send once they are
/// durable. Later changes to the same device or member replace earlier ones in the same batch.
/// </summary>
public sealed class PositionBatch
{
    private Dictionary<(Guid, uint), DeviceCursor> _cursors = [];
    private Dictionary<Guid, MemberRecord> _watermarks = [];
    private List<(byte[] Frame, IReadOnlyCollection<Guid> Recipients)> _receipts = [];
    private TaskCompletionSource _done = NewCompletion();

    public bool IsEmpty => _cursors.Count == 0 && _watermarks.Count == 0 && _receipts.Count == 0;

    public void Cursor(DeviceCursor cursor) => _cursors[(cursor.AccountId, cursor.DeviceId)] = cursor;

    public void Watermark(MemberRecord member) => _watermarks[member.AccountId] = member;

    public void Receipt(byte[] frame, IReadOnlyCollection<Guid> recipients) => _receipts.Add((frame, recipients));

    /// <summary>Completes when what is pending now has been written and announced.</summary>
    public Task WhenFlushed() => IsEmpty ? Task.CompletedTask : _done.Task;

    /// <summary>Takes everything pending (null when nothing is) and starts a new batch.</summary>
    public Batch? TakeBatch()
    {
        if (IsEmpty)
        {
            return null;
        }
        var batch = new Batch(_cursors.Values.ToList(), _watermarks.Values.ToList(), _receipts, _done);
        _cursors = [];
        _watermarks = [];
        _receipts = [];
        _done = NewCompletion();
        return batch;
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public sealed record Batch(
        IReadOnlyList<DeviceCursor> Cursors,
        IReadOnlyList<MemberRecord> Watermarks,
        IReadOnlyList<(byte[] Frame, IReadOnlyCollection<Guid> Recipients)> Receipts,
        TaskCompletionSource Done);
}
