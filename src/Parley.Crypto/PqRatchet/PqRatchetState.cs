using Parley.Crypto.Primitives;
using Parley.Crypto.Protos;

namespace Parley.Crypto.PqRatchet;

/// <summary>
/// The post-quantum half of the triple ratchet, as far as Parley implements SPQR v1: its message
/// format and its epoch-0 symmetric chain, seeded by the 32-byte authentication key that PQXDH derives
/// after the root and chain keys.
/// </summary>
/// <remarks>
/// <para>libsignal 0.103 refuses any message without an SPQR part and salts every message key with the
/// SPQR chain's key. SPQR advances its epochs only through an ML-KEM-768 "braid" that both sides must
/// run: the initiator sends a header and encapsulation key in erasure-coded chunks, the responder
/// answers with ciphertext chunks. Parley never starts or answers the braid: as initiator it sends no
/// header, as responder it ignores the header chunks it receives. Each side's braid state machine then
/// stays in epoch 1 (chain epoch 0), which libsignal accepts indefinitely.</para>
/// <para>What that leaves out: post-quantum post-compromise security (healing against a quantum
/// attacker after a state compromise). The epoch-0 chain is still keyed by PQXDH, so recorded traffic
/// stays protected against a future quantum computer as long as the Kyber prekey exchange is; the
/// classical Double Ratchet heals against classical attackers as usual.</para>
/// </remarks>
internal sealed class PqRatchetState
{
    /// <summary>SPQR message version 1.</summary>
    private const byte Version = 0x01;

    /// <summary>Message epochs count from 1; chain epoch = message epoch - 1.</summary>
    private const ulong Epoch = 1;

    private const byte PayloadNone = 0;
    private const byte PayloadCt1Ack = 4;
    private const byte PayloadLast = 6;
    private const int ChunkLength = 32;

    private static readonly byte[] StartLabel = "Signal PQ Ratchet V1 Chain  Start"u8.ToArray();

    private PqRatchetState(bool isInitiator, PqChain send, PqChain receive)
    {
        IsInitiator = isInitiator;
        SendChain = send;
        ReceiveChain = receive;
    }

    /// <summary>True for the session's initiator (SPQR direction A2B).</summary>
    internal bool IsInitiator { get; }

    internal PqChain SendChain { get; }

    internal PqChain ReceiveChain { get; }

    internal static PqRatchetState Create(byte[] authKey, bool isInitiator)
    {
        var output = Hkdf.DeriveSha256(authKey, new byte[32], StartLabel, 96);
        var initiatorToResponder = output[32..64];
        var responderToInitiator = output[64..96];
        return isInitiator
            ? new PqRatchetState(true, new PqChain(initiatorToResponder), new PqChain(responderToInitiator))
            : new PqRatchetState(false, new PqChain(responderToInitiator), new PqChain(initiatorToResponder));
    }

    internal PqRatchetState Clone() => new(IsInitiator, SendChain.Clone(), ReceiveChain.Clone());

    /// <summary>The SPQR message to attach to the next outgoing message, and the key that salts its message keys.</summary>
    internal (byte[] Message, byte[] Key) Send()
    {
        var (index, key) = SendChain.NextKey();
        var message = new List<byte>(8) { Version };
        WriteVarint(message, Epoch);
        WriteVarint(message, index);
        message.Add(PayloadNone);
        return (message.ToArray(), key);
    }

    /// <summary>Reads a peer's SPQR message and returns the key that salts that message's keys (null: no salt).</summary>
    /// <exception cref="InvalidMessageException">Missing, malformed, or from an epoch this implementation never reaches.</exception>
    internal byte[]? Receive(byte[] message)
    {
        if (message.Length == 0)
        {
            throw new InvalidMessageException("post-quantum ratchet: the message has no SPQR part, which this protocol version requires.");
        }
        if (message[0] != Version)
        {
            throw new InvalidMessageException($"post-quantum ratchet: unknown SPQR version {message[0]}.");
        }
        var at = 1;
        var epoch = ReadVarint(message, ref at);
        var index = ReadVarint(message, ref at);
        if (epoch == 0 || index > uint.MaxValue || at >= message.Length)
        {
            throw new InvalidMessageException("post-quantum ratchet: the SPQR message is malformed.");
        }
        var payload = message[at++];
        if (payload > PayloadLast)
        {
            throw new InvalidMessageException($"post-quantum ratchet: unknown SPQR payload type {payload}.");
        }
        if (payload != PayloadNone && payload != PayloadCt1Ack)
        {
            var chunkIndex = ReadVarint(message, ref at);
            if (chunkIndex > ushort.MaxValue || at + ChunkLength > message.Length)
            {
                throw new InvalidMessageException("post-quantum ratchet: the SPQR chunk is malformed.");
            }
        }
        if (epoch != Epoch)
        {
            throw new InvalidMessageException($"post-quantum ratchet: epoch {epoch} needs the ML-KEM braid, which this implementation does not run.");
        }
        return index == 0 ? null : ReceiveChain.KeyAt((uint)index);
    }

    internal PqRatchetProto ToProto() => new()
    {
        IsInitiator = IsInitiator,
        Send = SendChain.ToProto(),
        Receive = ReceiveChain.ToProto(),
    };

    internal static PqRatchetState FromProto(PqRatchetProto? proto)
    {
        if (proto?.Send is null || proto.Receive is null)
        {
            throw new InvalidMessageException("The session record lacks its post-quantum ratchet state.");
        }
        return new PqRatchetState(proto.IsInitiator, PqChain.FromProto(proto.Send), PqChain.FromProto(proto.Receive));
    }

    private static void WriteVarint(List<byte> into, ulong value)
    {
        while (value >= 0x80)
        {
            into.Add((byte)(value | 0x80));
            value >>= 7;
        }
        into.Add((byte)value);
    }

    private static ulong ReadVarint(byte[] from, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (at >= from.Length)
            {
                break;
            }
            var b = from[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new InvalidMessageException("post-quantum ratchet: a varint in the SPQR message is malformed.");
    }
}
