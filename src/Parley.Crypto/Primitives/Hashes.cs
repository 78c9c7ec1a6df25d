using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Parley.Crypto.Primitives;

/// <summary>SHA-2, SHA-3, SHAKE and HMAC, all from BouncyCastle.</summary>
internal static class Hashes
{
    internal static byte[] HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new HMac(new Sha256Digest());
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(data);
        var output = new byte[mac.GetMacSize()];
        mac.DoFinal(output);
        return output;
    }

    internal static byte[] HmacSha256Concat(ReadOnlySpan<byte> key, params ReadOnlySpan<byte[]> parts)
    {
        var mac = new HMac(new Sha256Digest());
        mac.Init(new KeyParameter(key));
        foreach (var part in parts)
        {
            mac.BlockUpdate(part);
        }
        var output = new byte[mac.GetMacSize()];
        mac.DoFinal(output);
        return output;
    }

    internal static byte[] Sha512(params ReadOnlySpan<byte[]> parts)
    {
        var digest = new Sha512Digest();
        foreach (var part in parts)
        {
            digest.BlockUpdate(part);
        }
        var output = new byte[digest.GetDigestSize()];
        digest.DoFinal(output);
        return output;
    }

    internal static byte[] Sha3_256(ReadOnlySpan<byte> data)
    {
        var digest = new Sha3Digest(256);
        digest.BlockUpdate(data);
        var output = new byte[32];
        digest.DoFinal(output);
        return output;
    }

    internal static byte[] Shake256(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int outputLength)
    {
        var digest = new ShakeDigest(256);
        digest.BlockUpdate(a);
        digest.BlockUpdate(b);
        var output = new byte[outputLength];
        digest.OutputFinal(output);
        return output;
    }

    /// <summary>Compares two byte strings in time that depends only on their lengths.</summary>
    internal static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length == b.Length && Org.BouncyCastle.Utilities.Arrays.FixedTimeEquals(a, b);
}
