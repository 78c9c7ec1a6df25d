using Parley.Crypto.Fingerprints;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Fingerprints;

public sealed class FingerprintTests
{
    // libsignal's published fingerprint test vectors (rust/protocol/src/fingerprint.rs).
    private static readonly IdentityKey Alice = IdentityKey.Deserialize(Hex("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868"));
    private static readonly IdentityKey Bob = IdentityKey.Deserialize(Hex("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b"));
    private static readonly byte[] AliceId = Utf8("+14152222222");
    private static readonly byte[] BobId = Utf8("+14153333333");
    private const string Displayable = "300354477692869396892869876765458257569162576843440918079131";

    [Theory]
    [InlineData(1u,
        "080112220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d",
        "080112220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df")]
    [InlineData(2u,
        "080212220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d",
        "080212220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df")]
    public void Libsignal_published_vectors_reproduce(uint version, string aliceScannable, string bobScannable)
    {
        var aliceView = Fingerprint.Create(version, AliceId, Alice, BobId, Bob);
        var bobView = Fingerprint.Create(version, BobId, Bob, AliceId, Alice);

        Assert.Equal(Displayable, aliceView.Displayable.Digits);
        Assert.Equal(Displayable, bobView.Displayable.Digits);
        Assert.Equal(Hex(aliceScannable), aliceView.Scannable.Serialize());
        Assert.Equal(Hex(bobScannable), bobView.Scannable.Serialize());
        Assert.True(aliceView.Scannable.Matches(bobView.Scannable.Serialize()));
        Assert.True(bobView.Scannable.Matches(aliceView.Scannable.Serialize()));
    }

    [Fact]
    public void Different_identities_give_different_numbers_and_codes_that_do_not_match()
    {
        var mallory = IdentityKeyPair.Generate().IdentityKey;
        var genuine = Fingerprint.Create(2, AliceId, Alice, BobId, Bob);
        var substituted = Fingerprint.Create(2, BobId, mallory, AliceId, Alice);

        Assert.NotEqual(genuine.Displayable.Digits, substituted.Displayable.Digits);
        Assert.False(genuine.Scannable.Matches(substituted.Scannable.Serialize()));
        Assert.False(genuine.Scannable.Matches(genuine.Scannable.Serialize()));
    }

    [Fact]
    public void Version_mismatch_and_garbage_are_clear_errors()
    {
        var v2 = Fingerprint.Create(2, AliceId, Alice, BobId, Bob);
        var v1 = Fingerprint.Create(1, BobId, Bob, AliceId, Alice);

        Assert.Throws<UnsupportedVersionException>(() => v2.Scannable.Matches(v1.Scannable.Serialize()));
        Assert.Throws<InvalidMessageException>(() => v2.Scannable.Matches([0xFF, 0xFF, 0xFF]));
        Assert.Equal("30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131", v2.Displayable.ToGroupedString());
    }
}
