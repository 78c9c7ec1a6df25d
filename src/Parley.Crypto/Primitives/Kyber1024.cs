using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;

namespace Parley.Crypto.Primitives;

/// <summary>
/// Kyber1024 (CRYSTALS-Kyber round 3, libsignal's KEM type 0x08) on top of BouncyCastle's FIPS 203
/// ML-KEM-1024.
/// </summary>
/// <remarks>
/// <para>The two schemes share keys, ciphertexts and the IND-CPA core; they differ in the hashing
/// around it. For a valid ciphertext, ML-KEM's shared secret is round 3's pre-key K̄, and round 3 then
/// outputs K = SHAKE-256(K̄ || SHA3-256(c), 32). So:</para>
/// <list type="bullet">
/// <item>Decapsulation: ML-KEM decapsulation, then that final KDF.</item>
/// <item>Encapsulation: round 3 hashes its random coin m' = SHA3-256(m) before use, which only changes
/// how the uniformly random 32-byte message is drawn; the decapsulator never sees the pre-image. ML-KEM
/// encapsulation with a fresh random message, followed by the same KDF, is therefore a valid round-3
/// encapsulation.</item>
/// <item>Keys: ML-KEM key generation appends a domain byte to its seed hash, so the same seed gives a
/// different key pair than round 3, but the encodings (ek = t || rho; dk = s || ek || H(ek) || z) are the
/// same and any such pair is a valid round-3 pair.</item>
/// <item>Only the implicit-rejection value for an invalid ciphertext differs (J(z || c) versus
/// KDF(z || H(c))); both are pseudorandom garbage the peer cannot reproduce, and the session's MAC
/// then fails either way.</item>
/// </list>
/// Both directions are exercised against libsignal 0.103 in the interop tests.
/// </remarks>
internal static class Kyber1024
{
    internal const int PublicKeyLength = 1568;
    internal const int SecretKeyLength = 3168;
    internal const int CiphertextLength = 1568;
    internal const int SharedSecretLength = 32;

    private static readonly MLKemParameters Parameters = MLKemParameters.ml_kem_1024;

    /// <returns>(public key 1568 bytes, secret key 3168 bytes in the expanded encoding).</returns>
    internal static (byte[] PublicKey, byte[] SecretKey) GenerateKeyPair()
    {
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(RandomSource.Instance, Parameters));
        var pair = generator.GenerateKeyPair();
        var secret = ((MLKemPrivateKeyParameters)pair.Private).WithPreferredFormat(MLKemPrivateKeyParameters.Format.EncodingOnly);
        return (((MLKemPublicKeyParameters)pair.Public).GetEncoded(), secret.GetEncoded());
    }

    internal static (byte[] SharedSecret, byte[] Ciphertext) Encapsulate(byte[] publicKey)
    {
        MLKemPublicKeyParameters key;
        try
        {
            key = MLKemPublicKeyParameters.FromEncoding(Parameters, publicKey);
        }
        catch (ArgumentException e)
        {
            throw new InvalidKeyException("The Kyber1024 public key is malformed.", e);
        }
        var encapsulator = new MLKemEncapsulator(Parameters);
        encapsulator.Init(new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(key, RandomSource.Instance));
        var ciphertext = new byte[encapsulator.EncapsulationLength];
        var preKey = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, preKey);
        var shared = Round3Kdf(preKey, ciphertext);
        Array.Clear(preKey);
        return (shared, ciphertext);
    }

    internal static byte[] Decapsulate(byte[] secretKey, byte[] ciphertext)
    {
        if (ciphertext.Length != CiphertextLength)
        {
            throw new InvalidMessageException($"A Kyber1024 ciphertext is {CiphertextLength} bytes, not {ciphertext.Length}.");
        }
        MLKemPrivateKeyParameters key;
        try
        {
            key = MLKemPrivateKeyParameters.FromEncoding(Parameters, secretKey);
        }
        catch (ArgumentException e)
        {
            throw new InvalidKeyException("The Kyber1024 secret key is malformed.", e);
        }
        var decapsulator = new MLKemDecapsulator(Parameters);
        decapsulator.Init(key);
        var preKey = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext, preKey);
        var shared = Round3Kdf(preKey, ciphertext);
        Array.Clear(preKey);
        return shared;
    }

    internal static byte[] PublicKeyOfSecretKey(byte[] secretKey) =>
        MLKemPrivateKeyParameters.FromEncoding(Parameters, secretKey).GetPublicKeyEncoded();

    private static byte[] Round3Kdf(byte[] preKey, byte[] ciphertext) =>
        Hashes.Shake256(preKey, Hashes.Sha3_256(ciphertext), SharedSecretLength);
}
