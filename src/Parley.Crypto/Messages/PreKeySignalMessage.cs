using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Messages;

/// <summary>
/// A session's first message(s), carrying what the recipient needs to run PQXDH on its side: the
/// sender's identity and base key, the ids of the prekeys used, and the Kyber ciphertext. Wire format
/// as libsignal's: version byte 0x44, then a protobuf wrapping a <see cref="SignalMessage"/>.
/// </summary>
public sealed class PreKeySignalMessage : CiphertextMessage
{
    private readonly byte[] _serialized;

    private PreKeySignalMessage(
        byte[] serialized,
        uint registrationId,
        uint? preKeyId,
        uint signedPreKeyId,
        uint kyberPreKeyId,
        byte[] kyberCiphertext,
        PublicKey baseKey,
        IdentityKey identityKey,
        SignalMessage message)
    {
        _serialized = serialized;
        RegistrationId = registrationId;
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        KyberPreKeyId = kyberPreKeyId;
        KyberCiphertext = kyberCiphertext;
        BaseKey = baseKey;
        IdentityKey = identityKey;
        Message = message;
    }

    public override CiphertextMessageType Type => CiphertextMessageType.PreKey;

    public uint RegistrationId { get; }
    public uint? PreKeyId { get; }
    public uint SignedPreKeyId { get; }
    public uint KyberPreKeyId { get; }

    /// <summary>0x08 || 1568 bytes.</summary>
    public byte[] KyberCiphertext { get; }

    public PublicKey BaseKey { get; }
    public IdentityKey IdentityKey { get; }
    public SignalMessage Message { get; }

    public override byte[] Serialize() => (byte[])_serialized.Clone();

    internal static PreKeySignalMessage Create(
        uint registrationId,
        uint? preKeyId,
        uint signedPreKeyId,
        uint kyberPreKeyId,
        byte[] kyberCiphertext,
        PublicKey baseKey,
        IdentityKey identityKey,
        SignalMessage message)
    {
        var proto = new PreKeySignalMessageProto
        {
            RegistrationId = registrationId,
            SignedPreKeyId = signedPreKeyId,
            KyberPreKeyId = kyberPreKeyId,
            KyberCiphertext = ByteString.CopyFrom(kyberCiphertext),
            BaseKey = ByteString.CopyFrom(baseKey.Serialize()),
            IdentityKey = ByteString.CopyFrom(identityKey.Serialize()),
            Message = ByteString.CopyFrom(message.Serialize()),
        };
        if (preKeyId is { } id)
        {
            proto.PreKeyId = id;
        }
        var protoBytes = proto.ToByteArray();
        var serialized = new byte[1 + protoBytes.Length];
        serialized[0] = (CurrentVersion << 4) | CurrentVersion;
        protoBytes.CopyTo(serialized, 1);
        return new PreKeySignalMessage(serialized, registrationId, preKeyId, signedPreKeyId, kyberPreKeyId, kyberCiphertext, baseKey, identityKey, message);
    }

    /// <exception cref="InvalidMessageException">Malformed, or missing a required field (a Kyber prekey is mandatory).</exception>
    /// <exception cref="UnsupportedVersionException">Not a version 4 message (version 3 is X3DH-only and refused).</exception>
    public static PreKeySignalMessage Deserialize(byte[] serialized)
    {
        if (serialized.Length < 2)
        {
            throw new InvalidMessageException("The message is too short to be a PreKeySignalMessage.");
        }
        CheckVersion(serialized[0], CurrentVersion, "PreKeySignalMessage");
        var proto = Records.Parse(PreKeySignalMessageProto.Parser, serialized.AsSpan(1), "PreKeySignalMessage");
        if (!proto.HasBaseKey || !proto.HasIdentityKey || !proto.HasMessage || !proto.HasSignedPreKeyId)
        {
            throw new InvalidMessageException("The PreKeySignalMessage lacks its base key, identity key, message or signed prekey id.");
        }
        if (!proto.HasKyberPreKeyId || !proto.HasKyberCiphertext)
        {
            throw new InvalidMessageException("The PreKeySignalMessage lacks its Kyber prekey id or ciphertext; PQXDH requires both.");
        }
        PublicKey baseKey;
        IdentityKey identityKey;
        try
        {
            baseKey = PublicKey.Deserialize(proto.BaseKey.Span);
            identityKey = IdentityKey.Deserialize(proto.IdentityKey.Span);
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("A key in the PreKeySignalMessage is malformed.", e);
        }
        return new PreKeySignalMessage(
            (byte[])serialized.Clone(),
            proto.RegistrationId,
            proto.HasPreKeyId ? proto.PreKeyId : null,
            proto.SignedPreKeyId,
            proto.KyberPreKeyId,
            proto.KyberCiphertext.ToByteArray(),
            baseKey,
            identityKey,
            SignalMessage.Deserialize(proto.Message.ToByteArray()));
    }
}
