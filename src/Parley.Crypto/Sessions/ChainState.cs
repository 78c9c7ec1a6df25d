using Google.Protobuf;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Sessions;

/// <summary>One symmetric chain of the Double Ratchet: the ratchet key that opened it, its chain key and
/// position, and (for receiving chains) the seeds of messages skipped over.</summary>
internal sealed class ChainState
{
    internal ChainState(PublicKey ratchetKey, PrivateKey? ratchetPrivateKey, byte[] chainKey, uint index, List<(uint Index, byte[] Seed)> skipped)
    {
        RatchetKey = ratchetKey;
        RatchetPrivateKey = ratchetPrivateKey;
        ChainKey = chainKey;
        Index = index;
        Skipped = skipped;
    }

    internal PublicKey RatchetKey { get; }

    /// <summary>Set on the sending chain only.</summary>
    internal PrivateKey? RatchetPrivateKey { get; }

    internal byte[] ChainKey { get; private set; }

    /// <summary>The counter of the next message on this chain.</summary>
    internal uint Index { get; private set; }

    /// <summary>Skipped message seeds, newest first.</summary>
    internal List<(uint Index, byte[] Seed)> Skipped { get; }

    internal ChainState Clone() => new(RatchetKey, RatchetPrivateKey, ChainKey, Index, [.. Skipped]);

    internal void Advance()
    {
        ChainKey = RatchetKeys.NextChainKey(ChainKey);
        Index++;
    }

    internal ChainProto ToProto()
    {
        var proto = new ChainProto
        {
            RatchetPublicKey = ByteString.CopyFrom(RatchetKey.Serialize()),
            Index = Index,
            Key = ByteString.CopyFrom(ChainKey),
        };
        if (RatchetPrivateKey is not null)
        {
            proto.RatchetPrivateKey = ByteString.CopyFrom(RatchetPrivateKey.Serialize());
        }
        foreach (var (index, seed) in Skipped)
        {
            proto.Skipped.Add(new SkippedKeyProto { Index = index, Seed = ByteString.CopyFrom(seed) });
        }
        return proto;
    }

    internal static ChainState FromProto(ChainProto proto)
    {
        if (proto.Key.Length != 32 || proto.Skipped.Any(s => s.Seed.Length != 32))
        {
            throw new InvalidMessageException("The session record has a malformed chain.");
        }
        return new ChainState(
            PublicKey.Deserialize(proto.RatchetPublicKey.Span),
            proto.RatchetPrivateKey.IsEmpty ? null : PrivateKey.Deserialize(proto.RatchetPrivateKey.Span),
            proto.Key.ToByteArray(),
            proto.Index,
            proto.Skipped.Select(s => (s.Index, s.Seed.ToByteArray())).ToList());
    }
}
