using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto;

/// <summary>A device's long-term identity: the key pair that signs its prekeys and enters every PQXDH.</summary>
public sealed class IdentityKeyPair
{
    private const uint Format = 1;

    public IdentityKeyPair(IdentityKey identityKey, PrivateKey privateKey)
    {
        IdentityKey = identityKey;
        PrivateKey = privateKey;
    }

    public IdentityKey IdentityKey { get; }

    public PublicKey PublicKey => IdentityKey.PublicKey;

    public PrivateKey PrivateKey { get; }

    public static IdentityKeyPair Generate()
    {
        var pair = KeyPair.Generate();
        return new IdentityKeyPair(new IdentityKey(pair.PublicKey), pair.PrivateKey);
    }

    /// <summary>Signs with the identity key (XEdDSA).</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => PrivateKey.Sign(message);

    public byte[] Serialize() => new IdentityKeyPairProto
    {
        Format = Format,
        PublicKey = ByteString.CopyFrom(IdentityKey.Serialize()),
        PrivateKey = ByteString.CopyFrom(PrivateKey.Serialize()),
    }.ToByteArray();

    /// <exception cref="InvalidMessageException">The record does not parse.</exception>
    /// <exception cref="InvalidKeyException">A key is malformed or the halves do not match.</exception>
    public static IdentityKeyPair Deserialize(byte[] serialized)
    {
        var proto = Records.Parse(IdentityKeyPairProto.Parser, serialized, "identity key pair");
        Records.CheckFormat(proto.Format, Format, "identity key pair");
        var privateKey = PrivateKey.Deserialize(proto.PrivateKey.Span);
        var identityKey = IdentityKey.Deserialize(proto.PublicKey.Span);
        if (!privateKey.GetPublicKey().Equals(identityKey.PublicKey))
        {
            throw new InvalidKeyException("The identity key pair's public half does not match its private half.");
        }
        return new IdentityKeyPair(identityKey, privateKey);
    }
}
