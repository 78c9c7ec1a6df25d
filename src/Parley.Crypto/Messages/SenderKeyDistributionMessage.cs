using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Messages;

/// <summary>
/// Hands a sender's group chain to one member (always inside a 1:1 session, never in the clear):
/// version byte 0x33, then a protobuf with the distribution id, chain id, iteration, chain key
/// (32 bytes) and the public signing key (33 bytes). Byte-compatible with libsignal.
/// </summary>
public sealed class SenderKeyDistributionMessage
{
    private readonly byte[] _serialized;

    private SenderKeyDistributionMessage(byte[] serialized, Guid distributionId, uint chainId, uint iteration, byte[] chainKey, PublicKey signingKey)
    {
        _serialized = serialized;
        DistributionId = distributionId;
        ChainId = chainId;
        Iteration = iteration;
        ChainKey = chainKey;
        SigningKey = signingKey;
    }

    public Guid DistributionId { get; }
    public uint ChainId { get; }
    public uint Iteration { get; }
    public byte[] ChainKey { get; }
    public PublicKey SigningKey { get; }

    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal static SenderKeyDistributionMessage Create(Guid distributionId, uint chainId, uint iteration, byte[] chainKey, PublicKey signingKey)
    {
        var protoBytes = new SenderKeyDistributionMessageProto
        {
            DistributionUuid = ByteString.CopyFrom(distributionId.ToByteArray(bigEndian: true)),
            ChainId = chainId,
            Iteration = iteration,
            ChainKey = ByteString.CopyFrom(chainKey),
            SigningKey = ByteString.CopyFrom(signingKey.Serialize()),
        }.ToByteArray();
        var serialized = new byte[1 + protoBytes.Length];
        serialized[0] = (SenderKeyMessage.SenderKeyVersion << 4) | SenderKeyMessage.SenderKeyVersion;
        protoBytes.CopyTo(serialized, 1);
        return new SenderKeyDistributionMessage(serialized, distributionId, chainId, iteration, chainKey, signingKey);
    }

    /// <exception cref="InvalidMessageException">Malformed or missing a field.</exception>
    /// <exception cref="UnsupportedVersionException">Not version 3.</exception>
    public static SenderKeyDistributionMessage Deserialize(byte[] serialized)
    {
        if (serialized.Length < 2)
        {
            throw new InvalidMessageException("The message is too short to be a SenderKeyDistributionMessage.");
        }
        CiphertextMessage.CheckVersion(serialized[0], SenderKeyMessage.SenderKeyVersion, "SenderKeyDistributionMessage");
        var proto = Records.Parse(SenderKeyDistributionMessageProto.Parser, serialized.AsSpan(1), "SenderKeyDistributionMessage");
        if (!proto.HasDistributionUuid || proto.DistributionUuid.Length != 16 || !proto.HasChainId || !proto.HasIteration
            || !proto.HasChainKey || proto.ChainKey.Length != 32 || !proto.HasSigningKey)
        {
            throw new InvalidMessageException("The SenderKeyDistributionMessage lacks a field or has a chain key that is not 32 bytes.");
        }
        PublicKey signingKey;
        try
        {
            signingKey = PublicKey.Deserialize(proto.SigningKey.Span);
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("The SenderKeyDistributionMessage's signing key is malformed.", e);
        }
        return new SenderKeyDistributionMessage(
            (byte[])serialized.Clone(),
            new Guid(proto.DistributionUuid.Span, bigEndian: true),
            proto.ChainId,
            proto.Iteration,
            proto.ChainKey.ToByteArray(),
            signingKey);
    }
}
