namespace Parley.Crypto;

/// <summary>A Curve25519 key pair.</summary>
public sealed class KeyPair
{
    public KeyPair(PublicKey publicKey, PrivateKey privateKey)
    {
        PublicKey = publicKey;
        PrivateKey = privateKey;
    }

    public PublicKey PublicKey { get; }

    public PrivateKey PrivateKey { get; }

    public static KeyPair Generate()
    {
        var privateKey = PrivateKey.Generate();
        return new KeyPair(privateKey.GetPublicKey(), privateKey);
    }
}
