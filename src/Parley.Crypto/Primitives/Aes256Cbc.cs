using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;

namespace Parley.Crypto.Primitives;

/// <summary>AES-256 in CBC mode with PKCS#7 padding, from BouncyCastle. The engine comes from
/// <see cref="AesUtilities.CreateEngine"/>: AES-NI where the processor has it, the portable engine
/// elsewhere (including browser WebAssembly).</summary>
internal static class Aes256Cbc
{
    internal static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext) =>
        Run(forEncryption: true, key, iv, plaintext);

    /// <exception cref="InvalidMessageException">The ciphertext is not a whole number of blocks or its padding is wrong.</exception>
    internal static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length == 0 || ciphertext.Length % 16 != 0)
        {
            throw new InvalidMessageException("The ciphertext is not a whole number of AES blocks.");
        }
        try
        {
            return Run(forEncryption: false, key, iv, ciphertext);
        }
        catch (InvalidCipherTextException e)
        {
            throw new InvalidMessageException("The ciphertext's padding is invalid.", e);
        }
    }

    private static byte[] Run(bool forEncryption, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input)
    {
        if (key.Length != 32 || iv.Length != 16)
        {
            throw new ArgumentException("AES-256-CBC needs a 32-byte key and a 16-byte IV.");
        }
        var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(AesUtilities.CreateEngine()), new Pkcs7Padding());
        cipher.Init(forEncryption, new ParametersWithIV(new KeyParameter(key), iv));
        var output = new byte[cipher.GetOutputSize(input.Length)];
        var written = cipher.ProcessBytes(input, output);
        written += cipher.DoFinal(output.AsSpan(written));
        return written == output.Length ? output : output[..written];
    }
}
