using Parley.Crypto.Messages;
using Parley.Crypto.Primitives;

namespace Parley.Crypto.Sessions;

/// <summary>
/// The triple ratchet on one session state: the Double Ratchet (libsignal's key schedule) with every
/// message key salted by the post-quantum ratchet's key. Callers pass a copy of the state and keep it
/// only when the call succeeds, so a failed decryption never changes a session.
/// </summary>
internal static class DoubleRatchet
{
    internal static SignalMessage Encrypt(SessionState state, ReadOnlySpan<byte> plaintext)
    {
        var chain = state.SenderChain;
        var seed = RatchetKeys.MessageSeed(chain.ChainKey);
        var (pqMessage, pqKey) = state.PqRatchet.Send();
        var keys = RatchetKeys.DeriveMessageKeys(seed, pqKey);
        var body = Aes256Cbc.Encrypt(keys.CipherKey, keys.Iv, plaintext);
        var message = SignalMessage.Create(
            keys.MacKey,
            chain.RatchetKey,
            chain.Index,
            state.PreviousCounter,
            body,
            state.LocalIdentity,
            state.RemoteIdentity,
            pqMessage);
        chain.Advance();
        return message;
    }

    /// <exception cref="DuplicateMessageException">This message's key was already used.</exception>
    /// <exception cref="InvalidMessageException">Tampered, on a discarded chain, too far ahead, or not for this session.</exception>
    internal static byte[] Decrypt(SessionState state, SignalMessage message)
    {
        var chain = state.FindReceiverChain(message.SenderRatchetKey) ?? StepRatchet(state, message.SenderRatchetKey);
        var seed = TakeMessageSeed(chain, message.Counter);
        var pqKey = state.PqRatchet.Receive(message.PqRatchet);
        var keys = RatchetKeys.DeriveMessageKeys(seed, pqKey);
        if (!message.VerifyMac(keys.MacKey, state.RemoteIdentity, state.LocalIdentity))
        {
            throw new InvalidMessageException("MAC verification failed: the message was tampered with or belongs to another session.");
        }
        var plaintext = Aes256Cbc.Decrypt(keys.CipherKey, keys.Iv, message.Body);
        state.PendingPreKey = null;
        return plaintext;
    }

    private static ChainState StepRatchet(SessionState state, PublicKey theirRatchetKey)
    {
        var ourOld = state.SenderChain.RatchetPrivateKey
            ?? throw new InvalidMessageException("The session has no sending ratchet key.");
        var ourNew = KeyPair.Generate();
        byte[] rootAfterReceive, receiveChainKey, rootAfterSend, sendChainKey;
        try
        {
            (rootAfterReceive, receiveChainKey) = RatchetKeys.RootStep(state.RootKey, ourOld, theirRatchetKey);
            (rootAfterSend, sendChainKey) = RatchetKeys.RootStep(rootAfterReceive, ourNew.PrivateKey, theirRatchetKey);
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("The message's ratchet key is unusable.", e);
        }

        state.PreviousCounter = state.SenderChain.Index == 0 ? 0 : state.SenderChain.Index - 1;
        state.RootKey = rootAfterSend;
        var receiving = new ChainState(theirRatchetKey, null, receiveChainKey, 0, []);
        state.AddReceiverChain(receiving);
        state.SenderChain = new ChainState(ourNew.PublicKey, ourNew.PrivateKey, sendChainKey, 0, []);
        return receiving;
    }

    private static byte[] TakeMessageSeed(ChainState chain, uint counter)
    {
        if (counter < chain.Index)
        {
            var position = chain.Skipped.FindIndex(k => k.Index == counter);
            if (position < 0)
            {
                throw new DuplicateMessageException($"Message {counter} on this chain was already decrypted (or its key was dropped).");
            }
            var skippedSeed = chain.Skipped[position].Seed;
            chain.Skipped.RemoveAt(position);
            return skippedSeed;
        }
        if (counter - chain.Index > SessionLimits.MaxForwardJumps)
        {
            throw new InvalidMessageException($"Message {counter} is too far ahead of this chain's position {chain.Index}.");
        }
        while (chain.Index < counter)
        {
            chain.Skipped.Insert(0, (chain.Index, RatchetKeys.MessageSeed(chain.ChainKey)));
            if (chain.Skipped.Count > SessionLimits.MaxSkippedKeysPerChain)
            {
                chain.Skipped.RemoveAt(chain.Skipped.Count - 1);
            }
            chain.Advance();
        }
        var seed = RatchetKeys.MessageSeed(chain.ChainKey);
        chain.Advance();
        return seed;
    }
}
