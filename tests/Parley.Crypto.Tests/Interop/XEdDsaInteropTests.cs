using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Interop;

[Collection("libsignal")]
public sealed class XEdDsaInteropTests(LibsignalHarness libsignal)
{
    [Fact]
    public async Task Libsignal_verifies_Parley_signatures_with_either_sign_bit()
    {
        var signBitSet = 0;
        for (var i = 0; i < 60; i++)
        {
            var key = PrivateKey.Generate();
            var message = Random(1 + i * 7);
            var signature = key.Sign(message);
            signBitSet += signature[63] >> 7;

            var result = await libsignal.CallAsync("keys.verify", new { publicKey = B64(key.GetPublicKey().Serialize()), message = B64(message), signature = B64(signature) });

            Assert.True(result["valid"]!.GetValue<bool>(), $"libsignal rejected Parley signature {i}");
        }
        Assert.InRange(signBitSet, 1, 59);
    }

    [Fact]
    public async Task Parley_verifies_libsignal_signatures_with_either_sign_bit()
    {
        var signBitSet = 0;
        for (var i = 0; i < 60; i++)
        {
            var key = await libsignal.CallAsync("keys.generate");
            var message = Random(1 + i * 5);
            var signature = FromB64((await libsignal.CallAsync("keys.sign", new { privateKey = key["privateKey"]!.GetValue<string>(), message = B64(message) }))["signature"]);
            signBitSet += signature[63] >> 7;

            Assert.True(PublicKey.Deserialize(FromB64(key["publicKey"])).VerifySignature(message, signature), $"Parley rejected libsignal signature {i}");
        }
        Assert.InRange(signBitSet, 1, 59);
    }

    [Fact]
    public async Task Both_reject_tampered_signatures_and_messages()
    {
        for (var i = 0; i < 10; i++)
        {
            var parleyKey = PrivateKey.Generate();
            var message = Random(40);
            var parleySignature = parleyKey.Sign(message);
            var libsignalKey = await libsignal.CallAsync("keys.generate");
            var libsignalSignature = FromB64((await libsignal.CallAsync("keys.sign", new { privateKey = libsignalKey["privateKey"]!.GetValue<string>(), message = B64(message) }))["signature"]);

            var bit = i * 51 % 512;
            var badParleySignature = (byte[])parleySignature.Clone();
            badParleySignature[bit / 8] ^= (byte)(1 << (bit % 8));
            var badLibsignalSignature = (byte[])libsignalSignature.Clone();
            badLibsignalSignature[bit / 8] ^= (byte)(1 << (bit % 8));
            var badMessage = (byte[])message.Clone();
            badMessage[i] ^= 0x20;

            var verdicts = new[]
            {
                await libsignal.CallAsync("keys.verify", new { publicKey = B64(parleyKey.GetPublicKey().Serialize()), message = B64(message), signature = B64(badParleySignature) }),
                await libsignal.CallAsync("keys.verify", new { publicKey = B64(parleyKey.GetPublicKey().Serialize()), message = B64(badMessage), signature = B64(parleySignature) }),
            };
            Assert.All(verdicts, v => Assert.False(v["valid"]!.GetValue<bool>()));

            var libsignalPublic = PublicKey.Deserialize(FromB64(libsignalKey["publicKey"]));
            Assert.False(libsignalPublic.VerifySignature(message, badLibsignalSignature));
            Assert.False(libsignalPublic.VerifySignature(badMessage, libsignalSignature));
            Assert.True(libsignalPublic.VerifySignature(message, libsignalSignature));
        }
    }

    [Fact]
    public async Task Parley_signs_with_keys_libsignal_generated_and_agrees_on_X25519()
    {
        var key = await libsignal.CallAsync("keys.generate");
        var privateKey = PrivateKey.Deserialize(FromB64(key["privateKey"]));
        Assert.Equal(FromB64(key["publicKey"]), privateKey.GetPublicKey().Serialize());

        var message = Utf8("signed by Parley with a libsignal key");
        var verdict = await libsignal.CallAsync("keys.verify", new { publicKey = key["publicKey"]!.GetValue<string>(), message = B64(message), signature = B64(privateKey.Sign(message)) });
        Assert.True(verdict["valid"]!.GetValue<bool>());

        var ours = PrivateKey.Generate();
        var theirShared = FromB64((await libsignal.CallAsync("keys.agree", new { privateKey = key["privateKey"]!.GetValue<string>(), publicKey = B64(ours.GetPublicKey().Serialize()) }))["shared"]);
        Assert.Equal(theirShared, ours.Agree(PublicKey.Deserialize(FromB64(key["publicKey"]))));
    }
}
