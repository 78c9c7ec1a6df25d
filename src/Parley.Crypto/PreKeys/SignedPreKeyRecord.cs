using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto;

/// <summary>A medium-term Curve25519 prekey signed by the identity key over its 33-byte serialization
/// (type byte included), as libsignal signs it. Rotated by the client; kept for a while after rotation
/// so late first messages still decrypt.</summary>
public sealed class SignedPreKeyRecord
{
    private const uint Format = 1;

    public SignedPreKeyRecord(uint id, DateTimeOffset timestamp, KeyPair keyPair, byte[] signature)
    {
        Id = id;
        Timestamp = timestamp;
        KeyPair = keyPair;
        Signature = signature;
    }

    public uint Id { get; }

    public DateTimeOffset Timestamp { get; }

    public KeyPair KeyPair { get; }

    /// <summary>XEdDSA signature (64 bytes) by the identity key over <c>KeyPair.PublicKey.Serialize()</c>.</summary>
    public byte[] Signature { get; }

    public static SignedPreKeyRecord Generate(uint id, IdentityKeyPair identity, DateTimeOffset timestamp)
    {
        var keyPair = KeyPair.Generate();
        return new SignedPreKeyRecord(id, timestamp, keyPair, identity.Sign(keyPair.PublicKey.Serialize()));
    }

    public byte[] Serialize() => new SignedPreKeyRecordProto
    {
        Format = Format,
        Id = Id,
        PublicKey = ByteString.CopyFrom(KeyPair.PublicKey.Serialize()),
        PrivateKey = ByteString.CopyFrom(KeyPair.PrivateKey.Serialize()),
        Signature = ByteString.CopyFrom(Signature),
        TimestampUnixMs = Timestamp.ToUnixTimeMilliseconds(),
    }.ToByteArray();

    public static SignedPreKeyRecord Deserialize(byte[] serialized)
    {
        var proto = Records.Parse(SignedPreKeyRecordProto.Parser, serialized, "signed prekey record");
        Records.CheckFormat(proto.Format, Format, "signed prekey record");
        return new SignedPreKeyRecord(
            proto.Id,
            DateTimeOffset.FromUnixTimeMilliseconds(proto.TimestampUnixMs),
            new KeyPair(PublicKey.Deserialize(proto.PublicKey.Span), PrivateKey.Deserialize(proto.PrivateKey.Span)),
            proto.Signature.ToByteArray());
    }
}
