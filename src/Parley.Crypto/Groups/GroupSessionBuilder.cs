using Parley.Crypto.Messages;
using Parley.Crypto.Primitives;
using Parley.Crypto.Storage;

namespace Parley.Crypto.Groups;

/// <summary>Creates this device's sender key for a group (a distribution id) and processes the sender
/// keys other members distribute. Distribution messages travel inside 1:1 sessions.</summary>
public sealed class GroupSessionBuilder
{
    private readonly ISenderKeyStore _store;

    public GroupSessionBuilder(ISenderKeyStore store) => _store = store;

    /// <summary>The distribution message for this device's chain in the group, creating the chain
    /// (random 31-bit chain id, random chain key, fresh signing key) on first use.</summary>
    public async ValueTask<SenderKeyDistributionMessage> CreateAsync(ProtocolAddress self, Guid distributionId)
    {
        var record = await _store.LoadSenderKeyAsync(self, distributionId).ConfigureAwait(false) ?? new SenderKeyRecord();
        if (record.Newest is not { SigningPrivateKey: not null })
        {
            record.Clear();
            record.AddState(NewChain());
            await _store.StoreSenderKeyAsync(self, distributionId, record).ConfigureAwait(false);
        }
        return DistributionFor(record.Newest!, distributionId);
    }

    /// <summary>Replaces this device's chain in the group with a new one (new chain id, chain key and
    /// signing key) and returns its distribution message. Use it when membership changes: send the new
    /// message to the remaining members only, and a removed member can read nothing sent afterwards.</summary>
    public async ValueTask<SenderKeyDistributionMessage> RekeyAsync(ProtocolAddress self, Guid distributionId)
    {
        var record = new SenderKeyRecord();
        var state = NewChain();
        record.AddState(state);
        await _store.StoreSenderKeyAsync(self, distributionId, record).ConfigureAwait(false);
        return DistributionFor(state, distributionId);
    }

    /// <summary>Stores the chain another member distributed, next to chains already known from them.</summary>
    public async ValueTask ProcessAsync(ProtocolAddress sender, SenderKeyDistributionMessage message)
    {
        var record = await _store.LoadSenderKeyAsync(sender, message.DistributionId).ConfigureAwait(false) ?? new SenderKeyRecord();
        record.AddState(new SenderKeyState(message.ChainId, message.Iteration, message.ChainKey, message.SigningKey, null, []));
        await _store.StoreSenderKeyAsync(sender, message.DistributionId, record).ConfigureAwait(false);
    }

    private static SenderKeyState NewChain()
    {
        var signing = KeyPair.Generate();
        return new SenderKeyState(RandomSource.UInt32() >> 1, 0, RandomSource.Bytes(32), signing.PublicKey, signing.PrivateKey, []);
    }

    private static SenderKeyDistributionMessage DistributionFor(SenderKeyState state, Guid distributionId) =>
        SenderKeyDistributionMessage.Create(distributionId, state.ChainId, state.Iteration, state.ChainKey, state.SigningKey);
}
