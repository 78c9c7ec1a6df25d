using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Parley.Crypto.Primitives;

/// <summary>HKDF-SHA256 (RFC 5869) from BouncyCastle. A null salt means 32 zero bytes, as the RFC says.</summary>
internal static class Hkdf
{
    internal static byte[] DeriveSha256(byte[] inputKeyMaterial, byte[]? salt, byte[] info, int length)
    {
        var generator = new HkdfBytesGenerator(new Sha256Digest());
        generator.Init(new HkdfParameters(inputKeyMaterial, salt, info));
        var output = new byte[length];
        generator.GenerateBytes(output, 0, length);
        return output;
    }
}
