using Parley.Crypto.Messages;
using Parley.Crypto.Primitives;
using Parley.Crypto.Storage;

namespace Parley.Crypto.Groups;

/// <summary>Encrypts this device's group messages with its sender key, and decrypts other members'.
/// One ciphertext serves every member; the server fans it out.</summary>
public sealed class GroupCipher
{
    private readonly ISenderKeyStore _store;

    public GroupCipher(ISenderKeyStore store) => _store = store;

    /// <exception cref="NoSenderKeyStateException">This device has no sender key for the group yet
    /// (call <see cref="GroupSessionBuilder.CreateAsync"/> and distribute it first).</exception>
    public async ValueTask<SenderKeyMessage> EncryptAsync(ProtocolAddress self, Guid distributionId, ReadOnlyMemory<byte> plaintext)
    {
        var record = await _store.LoadSenderKeyAsync(self, distributionId).ConfigureAwait(false);
        var state = record?.Newest;
        if (state?.SigningPrivateKey is null)
        {
            throw new NoSenderKeyStateException($"No own sender key for distribution {distributionId}.");
        }
        var (iteration, seed) = state.NextSendingSeed();
        var (iv, cipherKey) = SenderKeyState.MessageKeys(seed);
        var body = Aes256Cbc.Encrypt(cipherKey, iv, plaintext.Span);
        var message = SenderKeyMessage.Create(distributionId, state.ChainId, iteration, body, state.SigningPrivateKey);
        await _store.StoreSenderKeyAsync(self, distributionId, record!).ConfigureAwait(false);
        return message;
    }

    /// <exception cref="NoSenderKeyStateException">No chain known for this sender, distribution and chain id.</exception>
    /// <exception cref="InvalidMessageException">The signature does not verify, or the message is malformed or too far ahead.</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    public async ValueTask<byte[]> DecryptAsync(ProtocolAddress sender, SenderKeyMessage message)
    {
        var record = await _store.LoadSenderKeyAsync(sender, message.DistributionId).ConfigureAwait(false);
        var stored = record?.StateForChain(message.ChainId)
            ?? throw new NoSenderKeyStateException($"No sender key from {sender} for distribution {message.DistributionId}, chain {message.ChainId}.");
        if (!message.VerifySignature(stored.SigningKey))
        {
            throw new InvalidMessageException("The group message's signature does not verify: it was tampered with or forged.");
        }
        var state = stored.Clone();
        var seed = state.TakeSeed(message.Iteration);
        var (iv, cipherKey) = SenderKeyState.MessageKeys(seed);
        var plaintext = Aes256Cbc.Decrypt(cipherKey, iv, message.Body);
        record!.ReplaceState(state);
        await _store.StoreSenderKeyAsync(sender, message.DistributionId, record).ConfigureAwait(false);
        return plaintext;
    }

    /// <summary>Parses and decrypts serialized group message bytes.</summary>
    public ValueTask<byte[]> DecryptAsync(ProtocolAddress sender, byte[] serialized) =>
        DecryptAsync(sender, SenderKeyMessage.Deserialize(serialized));
}
