namespace Parley.Crypto.Storage;

/// <summary>Whether an identity is being checked to send to it or because a message arrived from it.</summary>
public enum Direction
{
    Sending,
    Receiving,
}
