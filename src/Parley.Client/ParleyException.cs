using Parley.Protocol;

namespace Parley.Client;

/// <summary>
/// A request the node refused (with its stable <see cref="Code"/>), or one that could not be made
/// because the device is not connected (<see cref="ErrorCode.Unavailable"/>).
/// </summary>
public class ParleyException(ErrorCode code, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    /// <summary>When the node said how long to wait (rate limits).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    internal static ParleyException From(Error error) => new(
        error.Code,
        string.IsNullOrEmpty(error.Message) ? error.Code.ToString() : error.Message,
        error.RetryAfterMs > 0 ? TimeSpan.FromMilliseconds(error.RetryAfterMs) : null);
}

/// <summary>The connection ended before the node answered; whether the request took effect is unknown.</summary>
public sealed class ConnectionLostException(string message) : ParleyException(ErrorCode.Unavailable, message);
