using Parley.Crypto.Protos;

namespace Parley.Crypto.Groups;

/// <summary>The sender chains known for one (sender device, distribution id), newest first, at most
/// <see cref="MaxStates"/>: older chains stay so messages sent before a rekey still decrypt.</summary>
public sealed class SenderKeyRecord
{
    /// <summary>Chains kept per sender and distribution.</summary>
    public const int MaxStates = 5;

    private const uint Format = 1;

    private readonly List<SenderKeyState> _states;

    public SenderKeyRecord()
        : this([])
    {
    }

    private SenderKeyRecord(List<SenderKeyState> states) => _states = states;

    public bool IsEmpty => _states.Count == 0;

    public int StateCount => _states.Count;

    internal SenderKeyState? Newest => _states.Count == 0 ? null : _states[0];

    internal SenderKeyState? StateForChain(uint chainId) => _states.Find(s => s.ChainId == chainId);

    /// <summary>Adds a chain. A chain already known with the same id and signing key is kept as it is
    /// (so a re-sent distribution message cannot rewind it); one with the same id but another key is replaced.</summary>
    internal void AddState(SenderKeyState state)
    {
        var existing = _states.Find(s => s.ChainId == state.ChainId && s.SigningKey.Equals(state.SigningKey));
        _states.RemoveAll(s => s.ChainId == state.ChainId);
        while (_states.Count >= MaxStates)
        {
            _states.RemoveAt(_states.Count - 1);
        }
        _states.Insert(0, existing ?? state);
    }

    internal void ReplaceState(SenderKeyState updated)
    {
        var index = _states.FindIndex(s => s.ChainId == updated.ChainId);
        _states[index] = updated;
    }

    /// <summary>Drops every chain (the sender's own record, before a rekey).</summary>
    internal void Clear() => _states.Clear();

    public byte[] Serialize()
    {
        var proto = new SenderKeyRecordProto { Format = Format };
        proto.States.AddRange(_states.Select(s => s.ToProto()));
        return Google.Protobuf.MessageExtensions.ToByteArray(proto);
    }

    /// <exception cref="InvalidMessageException">The record is malformed.</exception>
    public static SenderKeyRecord Deserialize(byte[] serialized)
    {
        var proto = Records.Parse(SenderKeyRecordProto.Parser, serialized, "sender key record");
        Records.CheckFormat(proto.Format, Format, "sender key record");
        try
        {
            return new SenderKeyRecord(proto.States.Select(SenderKeyState.FromProto).ToList());
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("The sender key record holds a malformed key.", e);
        }
    }
}
