using System.Net.WebSockets;
using Parley.Protocol;

namespace Parley.Bench.Load;

/// <summary>
/// What happened to each message of a run: acknowledged by the node or refused, and how many times
/// each expected recipient got it. Thread-safe; sized for the whole run up front.
/// </summary>
public sealed class MessageLedger(long messages, int recipientsPerMessage)
{
    private readonly int[] _acked = new int[messages];
    private readonly int[] _deliveries = new int[messages];
    private long _refused;
    private long _duplicates;
    private int _inFlight;

    public long Messages { get; } = messages;

    public long Acked => _acked.LongCount(a => a == 1);

    public long Refused => Interlocked.Read(ref _refused);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Deliveries => _deliveries.Sum(d => (long)d);

    public void Ack(long number) => Volatile.Write(ref _acked[number], 1);

    public void Refuse() => Interlocked.Increment(ref _refused);

    /// <summary>Sends not yet answered (see <see cref="SendAsync"/>).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Sends message <paramref name="number"/> once and records the outcome: acknowledged, or refused
    /// (an error answer, no answer in time, the connection gone). Returns whether it was acknowledged.
    /// </summary>
    public async Task<bool> SendAsync(long number, Func<Task<Response>> send)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            var response = await send();
            if (response.Send is not null)
            {
                Ack(number);
                return true;
            }
            Refuse();
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException or WebSocketException)
        {
            Refuse();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
        return false;
    }

    /// <summary>Counts one delivery; returns how many recipients now have it (1 = the first, <see cref="recipientsPerMessage"/> = the last).</summary>
    public int Deliver(long number) => Interlocked.Increment(ref _deliveries[number]);

    /// <summary>A recipient got a message it had already had.</summary>
    public void Duplicate() => Interlocked.Increment(ref _duplicates);

    /// <summary>Acknowledged messages that not every recipient received.</summary>
    public long Lost()
    {
        long lost = 0;
        for (var i = 0; i < Messages; i++)
        {
            if (_acked[i] == 1 && _deliveries[i] < recipientsPerMessage)
            {
                lost++;
            }
        }
        return lost;
    }

    /// <summary>True once every acknowledged message has reached every recipient.</summary>
    public bool AllDelivered()
    {
        for (var i = 0; i < Messages; i++)
        {
            if (_acked[i] == 1 && _deliveries[i] < recipientsPerMessage)
            {
                return false;
            }
        }
        return true;
    }
}
