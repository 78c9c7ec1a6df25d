using Parley.Crypto.Fingerprints;
using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Interop;

[Collection("libsignal")]
public sealed class FingerprintInteropTests(LibsignalHarness libsignal)
{
    [Theory]
    [InlineData(2u, 5200)]
    [InlineData(1u, 1024)]
    public async Task Safety_numbers_equal_libsignal_for_the_same_identities(uint version, int iterations)
    {
        for (var i = 0; i < 3; i++)
        {
            var local = IdentityKeyPair.Generate().IdentityKey;
            var remote = IdentityKeyPair.Generate().IdentityKey;
            var localId = Utf8($"parley-user-{i}");
            var remoteId = Utf8($"peer-{Guid.NewGuid()}");
            var ours = Fingerprint.Create(version, localId, local, remoteId, remote, iterations);
            var peerView = Fingerprint.Create(version, remoteId, remote, localId, local, iterations);

            var theirs = await libsignal.CallAsync("fingerprint", new
            {
                iterations,
                version,
                localId = B64(localId),
                localKey = B64(local.Serialize()),
                remoteId = B64(remoteId),
                remoteKey = B64(remote.Serialize()),
                scanned = B64(peerView.Scannable.Serialize()),
            });

            Assert.Equal(theirs["displayable"]!.GetValue<string>(), ours.Displayable.Digits);
            Assert.Equal(FromB64(theirs["scannable"]), ours.Scannable.Serialize());
            Assert.True(theirs["matches"]!.GetValue<bool>(), "libsignal did not match the peer's Parley-made scannable code");
        }
    }
}
