using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto;

/// <summary>
/// What the key directory hands out for one device so that anyone can start a session with it while
/// it is offline: identity key, signed prekey, a Kyber1024 prekey (one-time or last-resort), and
/// optionally a one-time Curve25519 prekey.
/// </summary>
/// <remarks>Serialized size: about 1,850 bytes with a one-time prekey (identity 33, signed prekey 33 +
/// signature 64, Kyber prekey 1,569 + signature 64, one-time prekey 33, ids and framing).</remarks>
public sealed class PreKeyBundle
{
    private const uint Format = 1;

    public PreKeyBundle(
        uint registrationId,
        uint deviceId,
        uint? preKeyId,
        PublicKey? preKey,
        uint signedPreKeyId,
        PublicKey signedPreKey,
        byte[] signedPreKeySignature,
        IdentityKey identityKey,
        uint kyberPreKeyId,
        KemPublicKey kyberPreKey,
        byte[] kyberPreKeySignature)
    {
        if (preKeyId.HasValue != (preKey is not null))
        {
            throw new ArgumentException("A one-time prekey needs both its id and its key.");
        }
        RegistrationId = registrationId;
        DeviceId = deviceId;
        PreKeyId = preKeyId;
        PreKey = preKey;
        SignedPreKeyId = signedPreKeyId;
        SignedPreKey = signedPreKey;
        SignedPreKeySignature = signedPreKeySignature;
        IdentityKey = identityKey;
        KyberPreKeyId = kyberPreKeyId;
        KyberPreKey = kyberPreKey;
        KyberPreKeySignature = kyberPreKeySignature;
    }

    public uint RegistrationId { get; }
    public uint DeviceId { get; }
    public uint? PreKeyId { get; }
    public PublicKey? PreKey { get; }
    public uint SignedPreKeyId { get; }
    public PublicKey SignedPreKey { get; }
    public byte[] SignedPreKeySignature { get; }
    public IdentityKey IdentityKey { get; }
    public uint KyberPreKeyId { get; }
    public KemPublicKey KyberPreKey { get; }
    public byte[] KyberPreKeySignature { get; }

    /// <summary>Builds the bundle a device publishes from its own records.</summary>
    public static PreKeyBundle Create(
        uint registrationId,
        uint deviceId,
        IdentityKeyPair identity,
        SignedPreKeyRecord signedPreKey,
        KyberPreKeyRecord kyberPreKey,
        PreKeyRecord? oneTimePreKey) =>
        new(
            registrationId,
            deviceId,
            oneTimePreKey?.Id,
            oneTimePreKey?.KeyPair.PublicKey,
            signedPreKey.Id,
            signedPreKey.KeyPair.PublicKey,
            signedPreKey.Signature,
            identity.IdentityKey,
            kyberPreKey.Id,
            kyberPreKey.KeyPair.PublicKey,
            kyberPreKey.Signature);

    /// <summary>True when both prekey signatures verify against the identity key.</summary>
    public bool HasValidSignatures() =>
        IdentityKey.VerifySignature(SignedPreKey.Serialize(), SignedPreKeySignature) &&
        IdentityKey.VerifySignature(KyberPreKey.Serialize(), KyberPreKeySignature);

    public byte[] Serialize()
    {
        var proto = new PreKeyBundleProto
        {
            Format = Format,
            RegistrationId = RegistrationId,
            DeviceId = DeviceId,
            HasPreKey = PreKeyId.HasValue,
            SignedPreKeyId = SignedPreKeyId,
            SignedPreKey = ByteString.CopyFrom(SignedPreKey.Serialize()),
            SignedPreKeySignature = ByteString.CopyFrom(SignedPreKeySignature),
            IdentityKey = ByteString.CopyFrom(IdentityKey.Serialize()),
            KyberPreKeyId = KyberPreKeyId,
            KyberPreKey = ByteString.CopyFrom(KyberPreKey.Serialize()),
            KyberPreKeySignature = ByteString.CopyFrom(KyberPreKeySignature),
        };
        if (PreKeyId is { } id && PreKey is not null)
        {
            proto.PreKeyId = id;
            proto.PreKey = ByteString.CopyFrom(PreKey.Serialize());
        }
        return proto.ToByteArray();
    }

    /// <exception cref="InvalidMessageException">The bytes do not parse.</exception>
    /// <exception cref="InvalidKeyException">A key in it is malformed.</exception>
    public static PreKeyBundle Deserialize(byte[] serialized)
    {
        var proto = Records.Parse(PreKeyBundleProto.Parser, serialized, "prekey bundle");
        Records.CheckFormat(proto.Format, Format, "prekey bundle");
        return new PreKeyBundle(
            proto.RegistrationId,
            proto.DeviceId,
            proto.HasPreKey ? proto.PreKeyId : null,
            proto.HasPreKey ? PublicKey.Deserialize(proto.PreKey.Span) : null,
            proto.SignedPreKeyId,
            PublicKey.Deserialize(proto.SignedPreKey.Span),
            proto.SignedPreKeySignature.ToByteArray(),
            IdentityKey.Deserialize(proto.IdentityKey.Span),
            proto.KyberPreKeyId,
            KemPublicKey.Deserialize(proto.KyberPreKey.Span),
            proto.KyberPreKeySignature.ToByteArray());
    }
}
