using Google.Protobuf;
using Parley.Crypto.Primitives;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Groups;

/// <summary>
/// One sender chain of a group: its id, current iteration and chain key, the signing key that
/// authenticates its messages, and keys for iterations skipped over. Keys as libsignal derives them:
/// chain step HMAC-SHA256(ck, 0x02); message seed HMAC-SHA256(ck, 0x01); message key
/// HKDF-SHA256(no salt, seed, "WhisperGroup") to 48 bytes: IV (16) then AES key (32).
/// </summary>
internal sealed class SenderKeyState
{
    /// <summary>Message keys kept for iterations not yet received.</summary>
    internal const int MaxSkippedKeys = 2_000;

    /// <summary>How far ahead of the chain a message may be.</summary>
    internal const uint MaxForwardJumps = 25_000;

    private static readonly byte[] MessageKeySeed = [0x01];
    private static readonly byte[] ChainKeySeed = [0x02];
    private static readonly byte[] MessageKeyLabel = "WhisperGroup"u8.ToArray();

    internal SenderKeyState(uint chainId, uint iteration, byte[] chainKey, PublicKey signingKey, PrivateKey? signingPrivateKey, List<(uint Iteration, byte[] Seed)> skipped)
    {
        ChainId = chainId;
        Iteration = iteration;
        ChainKey = chainKey;
        SigningKey = signingKey;
        SigningPrivateKey = signingPrivateKey;
        Skipped = skipped;
    }

    internal uint MessageVersion => 3;
    internal uint ChainId { get; }
    internal uint Iteration { get; private set; }
    internal byte[] ChainKey { get; private set; }
    internal PublicKey SigningKey { get; }

    /// <summary>Set in the sender's own record only.</summary>
    internal PrivateKey? SigningPrivateKey { get; }

    internal List<(uint Iteration, byte[] Seed)> Skipped { get; }

    internal static (byte[] Iv, byte[] CipherKey) MessageKeys(byte[] seed)
    {
        var output = Hkdf.DeriveSha256(seed, null, MessageKeyLabel, 48);
        return (output[..16], output[16..]);
    }

    /// <summary>The sender's side: the seed for the current iteration, then a step forward.</summary>
    internal (uint Iteration, byte[] Seed) NextSendingSeed()
    {
        if (Iteration == uint.MaxValue)
        {
            throw new InvalidOperationException("The sender chain is exhausted; rekey the group.");
        }
        var result = (Iteration, Hashes.HmacSha256(ChainKey, MessageKeySeed));
        Advance();
        return result;
    }

    /// <summary>The receiver's side: the seed for <paramref name="iteration"/>, in any order, once.</summary>
    /// <exception cref="DuplicateMessageException">Already received.</exception>
    /// <exception cref="InvalidMessageException">Too far ahead.</exception>
    internal byte[] TakeSeed(uint iteration)
    {
        if (iteration < Iteration)
        {
            var position = Skipped.FindIndex(k => k.Iteration == iteration);
            if (position < 0)
            {
                throw new DuplicateMessageException($"Group message {iteration} of chain {ChainId} was already decrypted (or its key was dropped).");
            }
            var skippedSeed = Skipped[position].Seed;
            Skipped.RemoveAt(position);
            return skippedSeed;
        }
        if (iteration - Iteration > MaxForwardJumps)
        {
            throw new InvalidMessageException($"Group message {iteration} is too far ahead of chain position {Iteration}.");
        }
        while (Iteration < iteration)
        {
            Skipped.Insert(0, (Iteration, Hashes.HmacSha256(ChainKey, MessageKeySeed)));
            if (Skipped.Count > MaxSkippedKeys)
            {
                Skipped.RemoveAt(Skipped.Count - 1);
            }
            Advance();
        }
        var seed = Hashes.HmacSha256(ChainKey, MessageKeySeed);
        Advance();
        return seed;
    }

    internal SenderKeyState Clone() => new(ChainId, Iteration, ChainKey, SigningKey, SigningPrivateKey, [.. Skipped]);

    private void Advance()
    {
        ChainKey = Hashes.HmacSha256(ChainKey, ChainKeySeed);
        Iteration++;
    }

    internal SenderKeyStateProto ToProto()
    {
        var proto = new SenderKeyStateProto
        {
            MessageVersion = MessageVersion,
            ChainId = ChainId,
            Iteration = Iteration,
            ChainKey = ByteString.CopyFrom(ChainKey),
            SigningPublicKey = ByteString.CopyFrom(SigningKey.Serialize()),
        };
        if (SigningPrivateKey is not null)
        {
            proto.SigningPrivateKey = ByteString.CopyFrom(SigningPrivateKey.Serialize());
        }
        proto.Skipped.AddRange(Skipped.Select(s => new SkippedKeyProto { Index = s.Iteration, Seed = ByteString.CopyFrom(s.Seed) }));
        return proto;
    }

    internal static SenderKeyState FromProto(SenderKeyStateProto proto)
    {
        if (proto.MessageVersion != 3 || proto.ChainKey.Length != 32 || proto.Skipped.Any(s => s.Seed.Length != 32))
        {
            throw new InvalidMessageException("The sender key record is malformed.");
        }
        return new SenderKeyState(
            proto.ChainId,
            proto.Iteration,
            proto.ChainKey.ToByteArray(),
            PublicKey.Deserialize(proto.SigningPublicKey.Span),
            proto.SigningPrivateKey.IsEmpty ? null : PrivateKey.Deserialize(proto.SigningPrivateKey.Span),
            proto.Skipped.Select(s => (s.Index, s.Seed.ToByteArray())).ToList());
    }
}
