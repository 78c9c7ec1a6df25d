using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto;

/// <summary>A one-time Curve25519 prekey: used by at most one incoming session, then deleted.</summary>
public sealed class PreKeyRecord
{
    private const uint Format = 1;

    public PreKeyRecord(uint id, KeyPair keyPair)
    {
        Id = id;
        KeyPair = keyPair;
    }

    public uint Id { get; }

    public KeyPair KeyPair { get; }

    /// <summary>Generates <paramref name="count"/> prekeys with consecutive ids starting at <paramref name="firstId"/>.</summary>
    public static IReadOnlyList<PreKeyRecord> GenerateBatch(uint firstId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var records = new PreKeyRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = new PreKeyRecord(unchecked(firstId + (uint)i), KeyPair.Generate());
        }
        return records;
    }

    public byte[] Serialize() => new PreKeyRecordProto
    {
        Format = Format,
        Id = Id,
        PublicKey = ByteString.CopyFrom(KeyPair.PublicKey.Serialize()),
        PrivateKey = ByteString.CopyFrom(KeyPair.PrivateKey.Serialize()),
    }.ToByteArray();

    public static PreKeyRecord Deserialize(byte[] serialized)
    {
        var proto = Records.Parse(PreKeyRecordProto.Parser, serialized, "prekey record");
        Records.CheckFormat(proto.Format, Format, "prekey record");
        return new PreKeyRecord(proto.Id, new KeyPair(PublicKey.Deserialize(proto.PublicKey.Span), PrivateKey.Deserialize(proto.PrivateKey.Span)));
    }
}
