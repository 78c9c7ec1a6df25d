using Org.BouncyCastle.Security;

namespace Parley.Crypto.Primitives;

/// <summary>The one source of randomness: BouncyCastle's SecureRandom, which on .NET draws from the
/// operating system (and from crypto.getRandomValues in browser WebAssembly).</summary>
internal static class RandomSource
{
    internal static readonly SecureRandom Instance = new();

    internal static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        Instance.NextBytes(bytes);
        return bytes;
    }

    internal static uint UInt32()
    {
        Span<byte> bytes = stackalloc byte[4];
        Instance.NextBytes(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }
}
