namespace Parley.Crypto.Messages;

/// <summary>The kinds of encrypted message, numbered as libsignal numbers them.</summary>
public enum CiphertextMessageType
{
    /// <summary>A <see cref="SignalMessage"/> on an established session.</summary>
    Whisper = 2,

    /// <summary>A <see cref="PreKeySignalMessage"/>: a session's first messages, until the peer replies.</summary>
    PreKey = 3,

    /// <summary>A <see cref="SenderKeyMessage"/> for a group.</summary>
    SenderKey = 7,
}

/// <summary>An encrypted message ready for the wire: its type (send it alongside) and its bytes.</summary>
public abstract class CiphertextMessage
{
    /// <summary>The version a message's high nibble carries (PQXDH + triple ratchet).</summary>
    public const int CurrentVersion = 4;

    public abstract CiphertextMessageType Type { get; }

    public abstract byte[] Serialize();

    /// <summary>Parses a 1:1 or group message from its type and bytes.</summary>
    /// <exception cref="InvalidMessageException">The bytes do not parse as that type.</exception>
    /// <exception cref="UnsupportedVersionException">The message is of another protocol version.</exception>
    public static CiphertextMessage Deserialize(CiphertextMessageType type, byte[] serialized) => type switch
    {
        CiphertextMessageType.Whisper => SignalMessage.Deserialize(serialized),
        CiphertextMessageType.PreKey => PreKeySignalMessage.Deserialize(serialized),
        CiphertextMessageType.SenderKey => SenderKeyMessage.Deserialize(serialized),
        _ => throw new InvalidMessageException($"Unknown message type {(int)type}."),
    };

    internal static void CheckVersion(byte versionByte, int expected, string what)
    {
        var version = versionByte >> 4;
        if (version == 3 && expected == CurrentVersion)
        {
            throw new UnsupportedVersionException($"The {what} is version 3 (X3DH without a Kyber prekey), which is no longer supported.");
        }
        if (version != expected)
        {
            throw new UnsupportedVersionException($"The {what} is version {version}; this library speaks version {expected}.");
        }
    }
}
