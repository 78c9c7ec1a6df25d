using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto;

/// <summary>A Kyber1024 prekey signed by the identity key over its 1569-byte serialization. A one-time
/// Kyber prekey is deleted after use; a last-resort one is reused when the one-time supply runs out,
/// and the store then refuses the same (signed prekey, base key) pair twice.</summary>
public sealed class KyberPreKeyRecord
{
    private const uint Format = 1;

    public KyberPreKeyRecord(uint id, DateTimeOffset timestamp, KemKeyPair keyPair, byte[] signature, bool isLastResort)
    {
        Id = id;
        Timestamp = timestamp;
        KeyPair = keyPair;
        Signature = signature;
        IsLastResort = isLastResort;
    }

    public uint Id { get; }

    public DateTimeOffset Timestamp { get; }

    public KemKeyPair KeyPair { get; }

    /// <summary>XEdDSA signature (64 bytes) by the identity key over <c>KeyPair.PublicKey.Serialize()</c>.</summary>
    public byte[] Signature { get; }

    public bool IsLastResort { get; }

    public static KyberPreKeyRecord Generate(uint id, IdentityKeyPair identity, DateTimeOffset timestamp, bool isLastResort)
    {
        var keyPair = KemKeyPair.Generate();
        return new KyberPreKeyRecord(id, timestamp, keyPair, identity.Sign(keyPair.PublicKey.Serialize()), isLastResort);
    }

    public byte[] Serialize() => new KyberPreKeyRecordProto
    {
        Format = Format,
        Id = Id,
        PublicKey = ByteString.CopyFrom(KeyPair.PublicKey.Serialize()),
        SecretKey = ByteString.CopyFrom(KeyPair.SerializeSecretKey()),
        Signature = ByteString.CopyFrom(Signature),
        TimestampUnixMs = Timestamp.ToUnixTimeMilliseconds(),
        LastResort = IsLastResort,
    }.ToByteArray();

    public static KyberPreKeyRecord Deserialize(byte[] serialized)
    {
        var proto = Records.Parse(KyberPreKeyRecordProto.Parser, serialized, "Kyber prekey record");
        Records.CheckFormat(proto.Format, Format, "Kyber prekey record");
        var keyPair = KemKeyPair.FromSecretKey(proto.SecretKey.Span);
        if (!keyPair.PublicKey.Equals(KemPublicKey.Deserialize(proto.PublicKey.Span)))
        {
            throw new InvalidKeyException("The Kyber prekey record's public key does not match its secret key.");
        }
        return new KyberPreKeyRecord(
            proto.Id,
            DateTimeOffset.FromUnixTimeMilliseconds(proto.TimestampUnixMs),
            keyPair,
            proto.Signature.ToByteArray(),
            proto.LastResort);
    }
}
