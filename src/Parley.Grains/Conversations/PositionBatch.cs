using Parley.Storage;

namespace Parley.Grains.Conversations;

/// <summary>
/// Cursor and watermark changes waiting to be written, with the receipts they make, to be announced
/// once they are durable. Later changes to the same device or member replace or widen earlier ones
/// in the same batch, so a busy conversation writes and announces each member at most once a batch.
/// </summary>
public sealed class PositionBatch
{
    private Dictionary<(Guid, uint), DeviceCursor> _cursors = [];
    private Dictionary<Guid, MemberRecord> _watermarks = [];
    private Dictionary<Guid, (ulong After, ulong UpTo)> _delivered = [];
    private Dictionary<Guid, ulong> _read = [];
    private TaskCompletionSource _done = NewCompletion();

    public bool IsEmpty => _cursors.Count == 0 && _watermarks.Count == 0;

    public void Cursor(DeviceCursor cursor) => _cursors[(cursor.AccountId, cursor.DeviceId)] = cursor;

    /// <summary>A member's delivered watermark moved from <paramref name="after"/> to <paramref name="upTo"/>.</summary>
    public void Delivered(MemberRecord member, ulong after, ulong upTo)
    {
        _watermarks[member.AccountId] = member;
        _delivered[member.AccountId] = _delivered.TryGetValue(member.AccountId, out var earlier)
            ? (Math.Min(earlier.After, after), Math.Max(earlier.UpTo, upTo))
            : (after, upTo);
    }

    /// <summary>A member's read watermark moved to <paramref name="upTo"/>.</summary>
    public void Read(MemberRecord member, ulong upTo)
    {
        _watermarks[member.AccountId] = member;
        _read[member.AccountId] = Math.Max(_read.GetValueOrDefault(member.AccountId), upTo);
    }

    /// <summary>Completes when what is pending now has been written and announced.</summary>
    public Task WhenFlushed() => IsEmpty ? Task.CompletedTask : _done.Task;

    /// <summary>Takes everything pending (null when nothing is) and starts a new batch.</summary>
    public Batch? TakeBatch()
    {
        if (IsEmpty)
        {
            return null;
        }
        var batch = new Batch([.. _cursors.Values], [.. _watermarks.Values], _delivered, _read, _done);
        _cursors = [];
        _watermarks = [];
        _delivered = [];
        _read = [];
        _done = NewCompletion();
        return batch;
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public sealed record Batch(
        IReadOnlyList<DeviceCursor> Cursors,
        IReadOnlyList<MemberRecord> Watermarks,
        IReadOnlyDictionary<Guid, (ulong After, ulong UpTo)> Delivered,
        IReadOnlyDictionary<Guid, ulong> Read,
        TaskCompletionSource Done);
}
