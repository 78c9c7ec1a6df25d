using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Sessions;

/// <summary>What the initiator repeats in every message until the first reply arrives: which prekeys
/// it used, its base key and the Kyber ciphertext.</summary>
internal sealed record PendingPreKey(
    uint? PreKeyId,
    uint SignedPreKeyId,
    PublicKey BaseKey,
    DateTimeOffset CreatedAt,
    uint KyberPreKeyId,
    byte[] KyberCiphertext)
{
    internal PendingPreKeyProto ToProto()
    {
        var proto = new PendingPreKeyProto
        {
            HasPreKeyId = PreKeyId.HasValue,
            PreKeyId = PreKeyId ?? 0,
            SignedPreKeyId = SignedPreKeyId,
            BaseKey = ByteString.CopyFrom(BaseKey.Serialize()),
            CreatedUnixMs = CreatedAt.ToUnixTimeMilliseconds(),
            KyberPreKeyId = KyberPreKeyId,
            KyberCiphertext = ByteString.CopyFrom(KyberCiphertext),
        };
        return proto;
    }

    internal static PendingPreKey FromProto(PendingPreKeyProto proto) => new(
        proto.HasPreKeyId ? proto.PreKeyId : null,
        proto.SignedPreKeyId,
        PublicKey.Deserialize(proto.BaseKey.Span),
        DateTimeOffset.FromUnixTimeMilliseconds(proto.CreatedUnixMs),
        proto.KyberPreKeyId,
        proto.KyberCiphertext.ToByteArray());
}
