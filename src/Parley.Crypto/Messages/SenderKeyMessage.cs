using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Messages;

/// <summary>
/// A group message: version byte 0x33, a protobuf (distribution id, chain id, iteration, ciphertext),
/// then an XEdDSA signature (64 bytes) by the sender's signing key over everything before it.
/// Byte-compatible with libsignal.
/// </summary>
public sealed class SenderKeyMessage : CiphertextMessage
{
    /// <summary>The sender-key message version (high nibble of the first byte).</summary>
    public const int SenderKeyVersion = 3;

    internal const int SignatureLength = 64;

    private readonly byte[] _serialized;

    private SenderKeyMessage(byte[] serialized, Guid distributionId, uint chainId, uint iteration, byte[] body)
    {
        _serialized = serialized;
        DistributionId = distributionId;
        ChainId = chainId;
        Iteration = iteration;
        Body = body;
    }

    public override CiphertextMessageType Type => CiphertextMessageType.SenderKey;

    public Guid DistributionId { get; }
    public uint ChainId { get; }
    public uint Iteration { get; }

    /// <summary>The AES-256-CBC ciphertext.</summary>
    public byte[] Body { get; }

    public override byte[] Serialize() => (byte[])_serialized.Clone();

    internal static SenderKeyMessage Create(Guid distributionId, uint chainId, uint iteration, byte[] body, PrivateKey signingKey)
    {
        var protoBytes = new SenderKeyMessageProto
        {
            DistributionUuid = ByteString.CopyFrom(distributionId.ToByteArray(bigEndian: true)),
            ChainId = chainId,
            Iteration = iteration,
            Ciphertext = ByteString.CopyFrom(body),
        }.ToByteArray();
        var serialized = new byte[1 + protoBytes.Length + SignatureLength];
        serialized[0] = (SenderKeyVersion << 4) | SenderKeyVersion;
        protoBytes.CopyTo(serialized, 1);
        var signature = signingKey.Sign(serialized.AsSpan(0, 1 + protoBytes.Length));
        signature.CopyTo(serialized, 1 + protoBytes.Length);
        return new SenderKeyMessage(serialized, distributionId, chainId, iteration, body);
    }

    /// <exception cref="InvalidMessageException">Too short or malformed.</exception>
    /// <exception cref="UnsupportedVersionException">Not a version 3 sender-key message.</exception>
    public static SenderKeyMessage Deserialize(byte[] serialized)
    {
        if (serialized.Length < 1 + SignatureLength)
        {
            throw new InvalidMessageException("The message is too short to be a SenderKeyMessage.");
        }
        CheckVersion(serialized[0], SenderKeyVersion, "SenderKeyMessage");
        var proto = Records.Parse(SenderKeyMessageProto.Parser, serialized.AsSpan(1, serialized.Length - 1 - SignatureLength), "SenderKeyMessage");
        if (!proto.HasDistributionUuid || proto.DistributionUuid.Length != 16 || !proto.HasChainId || !proto.HasIteration || !proto.HasCiphertext)
        {
            throw new InvalidMessageException("The SenderKeyMessage lacks its distribution id, chain id, iteration or ciphertext.");
        }
        return new SenderKeyMessage(
            (byte[])serialized.Clone(),
            new Guid(proto.DistributionUuid.Span, bigEndian: true),
            proto.ChainId,
            proto.Iteration,
            proto.Ciphertext.ToByteArray());
    }

    internal bool VerifySignature(PublicKey signingKey)
    {
        var content = _serialized.AsSpan(0, _serialized.Length - SignatureLength);
        return signingKey.VerifySignature(content, _serialized.AsSpan(_serialized.Length - SignatureLength));
    }
}
