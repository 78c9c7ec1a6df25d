using Parley.Protocol;

namespace Parley.Server.Gateway;

/// <summary>A request that cannot be served; becomes the request's error response, and the connection stays open.</summary>
public sealed class RequestException(ErrorCode code, string message, uint retryAfterMs = 0) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    public uint RetryAfterMs { get; } = retryAfterMs;
}
