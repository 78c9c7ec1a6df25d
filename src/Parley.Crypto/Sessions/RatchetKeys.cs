using Parley.Crypto.Primitives;

namespace Parley.Crypto.Sessions;

/// <summary>The Double Ratchet's key derivations, with libsignal's labels and layouts.</summary>
internal static class RatchetKeys
{
    private static readonly byte[] RootLabel = "WhisperRatchet"u8.ToArray();
    private static readonly byte[] MessageKeysLabel = "WhisperMessageKeys"u8.ToArray();
    private static readonly byte[] MessageKeySeed = [0x01];
    private static readonly byte[] ChainKeySeed = [0x02];

    /// <summary>Root step: HKDF(salt = root key, ikm = DH output, "WhisperRatchet") to 64 bytes: new root key, then chain key.</summary>
    internal static (byte[] RootKey, byte[] ChainKey) RootStep(byte[] rootKey, PrivateKey ours, PublicKey theirs)
    {
        var shared = ours.Agree(theirs);
        var output = Hkdf.DeriveSha256(shared, rootKey, RootLabel, 64);
        Array.Clear(shared);
        return (output[..32], output[32..]);
    }

    /// <summary>Chain step: HMAC-SHA256(chain key, 0x02).</summary>
    internal static byte[] NextChainKey(byte[] chainKey) => Hashes.HmacSha256(chainKey, ChainKeySeed);

    /// <summary>Message seed: HMAC-SHA256(chain key, 0x01).</summary>
    internal static byte[] MessageSeed(byte[] chainKey) => Hashes.HmacSha256(chainKey, MessageKeySeed);

    /// <summary>Message keys: HKDF(salt = SPQR key or none, ikm = seed, "WhisperMessageKeys") to 80 bytes:
    /// AES key (32), MAC key (32), IV (16).</summary>
    internal static MessageKeys DeriveMessageKeys(byte[] seed, byte[]? pqKey)
    {
        var output = Hkdf.DeriveSha256(seed, pqKey, MessageKeysLabel, 80);
        return new MessageKeys(output[..32], output[32..64], output[64..80]);
    }
}

internal sealed record MessageKeys(byte[] CipherKey, byte[] MacKey, byte[] Iv);
