using System.Buffers.Binary;
using Google.Protobuf;
using Parley.Crypto.Primitives;
using Parley.Crypto.Protos;

namespace Parley.Crypto.PqRatchet;

/// <summary>
/// One direction of an SPQR (Sparse Post-Quantum Ratchet, v1) symmetric chain: each step takes
/// HKDF-SHA256(salt = 32 zero bytes, ikm = next, info = BE32(counter) || "Signal PQ Ratchet V1 Chain Next")
/// to 64 bytes, the first half the next chain key and the second half this step's message key.
/// Counters start at 1. Keys for skipped counters are kept for out-of-order delivery, within bounds.
/// </summary>
internal sealed class PqChain
{
    /// <summary>Furthest a received counter may jump ahead (libsignal: 25,000).</summary>
    internal const uint MaxJump = 25_000;

    /// <summary>How far behind the newest counter an out-of-order key is kept (libsignal: 2,000).</summary>
    internal const uint MaxOutOfOrder = 2_000;

    private static readonly byte[] NextLabel = "Signal PQ Ratchet V1 Chain Next"u8.ToArray();
    private static readonly byte[] ZeroSalt = new byte[32];

    private byte[] _next;
    private readonly List<(uint Index, byte[] Key)> _skipped;

    internal PqChain(byte[] next)
        : this(0, next, [])
    {
    }

    private PqChain(uint counter, byte[] next, List<(uint, byte[])> skipped)
    {
        Counter = counter;
        _next = next;
        _skipped = skipped;
    }

    /// <summary>The counter of the last key taken (0 before the first).</summary>
    internal uint Counter { get; private set; }

    internal int SkippedCount => _skipped.Count;

    internal PqChain Clone() => new(Counter, _next, [.. _skipped]);

    /// <summary>Takes the next key in order (the sending side).</summary>
    internal (uint Index, byte[] Key) NextKey()
    {
        if (Counter == uint.MaxValue)
        {
            throw new InvalidOperationException("The post-quantum chain is exhausted.");
        }
        Counter++;
        var info = new byte[4 + NextLabel.Length];
        BinaryPrimitives.WriteUInt32BigEndian(info, Counter);
        NextLabel.CopyTo(info, 4);
        var output = Hkdf.DeriveSha256(_next, ZeroSalt, info, 64);
        _next = output[..32];
        return (Counter, output[32..]);
    }

    /// <summary>The key for counter <paramref name="at"/> (at least 1; the receiving side), in any order, once.</summary>
    /// <exception cref="InvalidMessageException">Too far ahead, too old, or already taken.</exception>
    internal byte[] KeyAt(uint at)
    {
        if (at <= Counter)
        {
            for (var i = 0; i < _skipped.Count; i++)
            {
                if (_skipped[i].Index == at)
                {
                    var key = _skipped[i].Key;
                    _skipped.RemoveAt(i);
                    return key;
                }
            }
            throw new InvalidMessageException(at + MaxOutOfOrder < Counter
                ? $"post-quantum ratchet: the key for {at} was discarded as too old."
                : $"post-quantum ratchet: the key for {at} was already used.");
        }
        if (at - Counter > MaxJump)
        {
            throw new InvalidMessageException($"post-quantum ratchet: counter {at} is too far ahead of {Counter}.");
        }
        if (at > Counter + (ulong)MaxOutOfOrder)
        {
            _skipped.Clear();
        }
        while (Counter + 1 < at)
        {
            var (index, key) = NextKey();
            if (index + (ulong)MaxOutOfOrder >= at)
            {
                _skipped.Add((index, key));
            }
        }
        _skipped.RemoveAll(entry => entry.Index + (ulong)MaxOutOfOrder < at);
        return NextKey().Key;
    }

    internal PqChainProto ToProto()
    {
        var proto = new PqChainProto { Counter = Counter, Next = ByteString.CopyFrom(_next) };
        foreach (var (index, key) in _skipped)
        {
            proto.Skipped.Add(new SkippedKeyProto { Index = index, Seed = ByteString.CopyFrom(key) });
        }
        return proto;
    }

    internal static PqChain FromProto(PqChainProto proto)
    {
        if (proto.Next.Length != 32 || proto.Skipped.Any(s => s.Seed.Length != 32))
        {
            throw new InvalidMessageException("The post-quantum chain record is malformed.");
        }
        return new PqChain(proto.Counter, proto.Next.ToByteArray(), proto.Skipped.Select(s => (s.Index, s.Seed.ToByteArray())).ToList());
    }
}
