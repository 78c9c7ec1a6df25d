using Google.Protobuf;
using Parley.Crypto.Primitives;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Messages;

/// <summary>
/// A Double Ratchet message, byte-compatible with libsignal: version byte 0x44, a protobuf (ratchet key,
/// counter, previous counter, ciphertext, post-quantum ratchet message), then the first 8 bytes of
/// HMAC-SHA256(macKey, senderIdentity || receiverIdentity || everything before the MAC).
/// </summary>
public sealed class SignalMessage : CiphertextMessage
{
    internal const int MacLength = 8;

    private readonly byte[] _serialized;

    private SignalMessage(byte[] serialized, PublicKey senderRatchetKey, uint counter, uint previousCounter, byte[] body, byte[] pqRatchet)
    {
        _serialized = serialized;
        SenderRatchetKey = senderRatchetKey;
        Counter = counter;
        PreviousCounter = previousCounter;
        Body = body;
        PqRatchet = pqRatchet;
    }

    public override CiphertextMessageType Type => CiphertextMessageType.Whisper;

    public PublicKey SenderRatchetKey { get; }

    public uint Counter { get; }

    public uint PreviousCounter { get; }

    /// <summary>The AES-256-CBC ciphertext.</summary>
    public byte[] Body { get; }

    /// <summary>The post-quantum ratchet (SPQR) message carried alongside.</summary>
    public byte[] PqRatchet { get; }

    public override byte[] Serialize() => (byte[])_serialized.Clone();

    internal static SignalMessage Create(
        byte[] macKey,
        PublicKey senderRatchetKey,
        uint counter,
        uint previousCounter,
        byte[] body,
        IdentityKey senderIdentity,
        IdentityKey receiverIdentity,
        byte[] pqRatchet)
    {
        var proto = new SignalMessageProto
        {
            RatchetKey = ByteString.CopyFrom(senderRatchetKey.Serialize()),
            Counter = counter,
            PreviousCounter = previousCounter,
            Ciphertext = ByteString.CopyFrom(body),
        };
        if (pqRatchet.Length > 0)
        {
            proto.PqRatchet = ByteString.CopyFrom(pqRatchet);
        }
        var protoBytes = proto.ToByteArray();
        var serialized = new byte[1 + protoBytes.Length + MacLength];
        serialized[0] = (CurrentVersion << 4) | CurrentVersion;
        protoBytes.CopyTo(serialized, 1);
        var mac = ComputeMac(macKey, senderIdentity, receiverIdentity, serialized.AsSpan(0, 1 + protoBytes.Length));
        mac.AsSpan(0, MacLength).CopyTo(serialized.AsSpan(1 + protoBytes.Length));
        return new SignalMessage(serialized, senderRatchetKey, counter, previousCounter, body, pqRatchet);
    }

    /// <exception cref="InvalidMessageException">Too short, or the protobuf or a required field is missing or malformed.</exception>
    /// <exception cref="UnsupportedVersionException">Not a version 4 message.</exception>
    public static SignalMessage Deserialize(byte[] serialized)
    {
        if (serialized.Length < 1 + MacLength)
        {
            throw new InvalidMessageException("The message is too short to be a SignalMessage.");
        }
        CheckVersion(serialized[0], CurrentVersion, "SignalMessage");
        var proto = Records.Parse(SignalMessageProto.Parser, serialized.AsSpan(1, serialized.Length - 1 - MacLength), "SignalMessage");
        if (!proto.HasRatchetKey || !proto.HasCounter || !proto.HasCiphertext)
        {
            throw new InvalidMessageException("The SignalMessage lacks its ratchet key, counter or ciphertext.");
        }
        PublicKey ratchetKey;
        try
        {
            ratchetKey = PublicKey.Deserialize(proto.RatchetKey.Span);
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("The SignalMessage's ratchet key is malformed.", e);
        }
        return new SignalMessage(
            (byte[])serialized.Clone(),
            ratchetKey,
            proto.Counter,
            proto.PreviousCounter,
            proto.Ciphertext.ToByteArray(),
            proto.PqRatchet.ToByteArray());
    }

    internal bool VerifyMac(byte[] macKey, IdentityKey senderIdentity, IdentityKey receiverIdentity)
    {
        var content = _serialized.AsSpan(0, _serialized.Length - MacLength);
        var expected = ComputeMac(macKey, senderIdentity, receiverIdentity, content);
        return Hashes.FixedTimeEquals(expected.AsSpan(0, MacLength), _serialized.AsSpan(_serialized.Length - MacLength));
    }

    private static byte[] ComputeMac(byte[] macKey, IdentityKey senderIdentity, IdentityKey receiverIdentity, ReadOnlySpan<byte> content) =>
        Hashes.HmacSha256Concat(macKey, senderIdentity.Serialize(), receiverIdentity.Serialize(), content.ToArray());
}
