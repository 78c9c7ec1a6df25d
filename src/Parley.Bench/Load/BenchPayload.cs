using System.Buffers.Binary;
using Google.Protobuf;

namespace Parley.Bench.Load;

/// <summary>
/// The body of a benchmark message (80 bytes, like a short chat message): the run it belongs to, its
/// number in the run and the moment it was scheduled to be sent (Stopwatch ticks of this process),
/// from which the receiver computes latency.
/// </summary>
public static class BenchPayload
{
    public const int Size = 80;
    private const uint Magic = 0x50424E43; // "PBNC"

    private static int _lastRun;

    /// <summary>A number for a new run, so that late arrivals from an earlier run are not mistaken for this one's.</summary>
    public static int NewRun() => Interlocked.Increment(ref _lastRun);

    public static ByteString Create(int run, long number, long scheduledTicks)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), run);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), number);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), scheduledTicks);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    /// <summary>Reads a message of run <paramref name="run"/>; false for anything else.</summary>
    public static bool TryRead(ByteString payload, int run, out long number, out long scheduledTicks)
    {
        var span = payload.Span;
        if (span.Length != Size || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadInt32LittleEndian(span[4..]) != run)
        {
            number = scheduledTicks = 0;
            return false;
        }
        number = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
        scheduledTicks = BinaryPrimitives.ReadInt64LittleEndian(span[16..]);
        return true;
    }

    public static ByteString NewClientMessageId() => UnsafeByteOperations.UnsafeWrap(Guid.NewGuid().ToByteArray());
}
