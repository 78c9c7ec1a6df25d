namespace Parley.Crypto;

/// <summary>A message or record uses a protocol version this library does not speak (for example an
/// X3DH-only version 3 message, or a fingerprint of another version).</summary>
public sealed class UnsupportedVersionException : ProtocolException
{
    public UnsupportedVersionException(string message) : base(message) { }
}
