using Parley.Crypto.Protos;

namespace Parley.Crypto.Sessions;

/// <summary>
/// Everything one device keeps about its sessions with one peer device: the current session and up to
/// <see cref="SessionLimits.MaxArchivedSessions"/> earlier ones (from simultaneous starts, resets or a
/// peer re-registering), which are tried when the current one cannot decrypt. Serializes to Parley's
/// own versioned format so sessions survive restarts.
/// </summary>
public sealed class SessionRecord
{
    private const uint Format = 1;

    private readonly List<SessionState> _previous;

    public SessionRecord()
        : this(null, [])
    {
    }

    private SessionRecord(SessionState? current, List<SessionState> previous)
    {
        Current = current;
        _previous = previous;
    }

    internal SessionState? Current { get; private set; }

    internal IReadOnlyList<SessionState> Previous => _previous;

    /// <summary>True when there is a session to send on.</summary>
    public bool HasCurrentSession => Current is not null;

    /// <summary>Sessions held, current included.</summary>
    public int SessionCount => (Current is null ? 0 : 1) + _previous.Count;

    /// <summary>The peer's identity in the current session, if any.</summary>
    public IdentityKey? RemoteIdentity => Current?.RemoteIdentity;

    public uint? RemoteRegistrationId => Current?.RemoteRegistrationId;

    /// <summary>Moves the current session to the archive: the next send needs a new prekey bundle,
    /// while messages still in flight on it can be decrypted.</summary>
    public void ArchiveCurrentSession()
    {
        if (Current is null)
        {
            return;
        }
        _previous.Insert(0, Current);
        Current = null;
        TrimArchive();
    }

    internal void PromoteState(SessionState state)
    {
        ArchiveCurrentSession();
        Current = state;
    }

    /// <summary>Replaces the current state with an updated copy.</summary>
    internal void SetCurrent(SessionState state) => Current = state;

    /// <summary>Makes an archived session (updated) the current one again.</summary>
    internal void PromoteArchived(int index, SessionState updated)
    {
        _previous.RemoveAt(index);
        PromoteState(updated);
    }

    /// <summary>Finds the session started with this base key and makes it current.</summary>
    internal bool PromoteSessionWithBaseKey(PublicKey baseKey)
    {
        if (Current?.AliceBaseKey.Equals(baseKey) == true)
        {
            return true;
        }
        var index = _previous.FindIndex(s => s.AliceBaseKey.Equals(baseKey));
        if (index < 0)
        {
            return false;
        }
        PromoteArchived(index, _previous[index]);
        return true;
    }

    private void TrimArchive()
    {
        while (_previous.Count > SessionLimits.MaxArchivedSessions)
        {
            _previous.RemoveAt(_previous.Count - 1);
        }
    }

    public byte[] Serialize()
    {
        var proto = new SessionRecordProto { Format = Format, Current = Current?.ToProto() };
        proto.Previous.AddRange(_previous.Select(s => s.ToProto()));
        return Google.Protobuf.MessageExtensions.ToByteArray(proto);
    }

    /// <exception cref="InvalidMessageException">The record is malformed.</exception>
    /// <exception cref="UnsupportedVersionException">The record is of another format.</exception>
    public static SessionRecord Deserialize(byte[] serialized)
    {
        var proto = Records.Parse(SessionRecordProto.Parser, serialized, "session record");
        Records.CheckFormat(proto.Format, Format, "session record");
        try
        {
            return new SessionRecord(
                proto.Current is null ? null : SessionState.FromProto(proto.Current),
                proto.Previous.Select(SessionState.FromProto).ToList());
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("The session record holds a malformed key.", e);
        }
    }
}
