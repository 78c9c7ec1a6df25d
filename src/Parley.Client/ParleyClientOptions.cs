using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Client.Connections;
using Parley.Client.Sealing;

namespace Parley.Client;

/// <summary>How a <see cref="ParleyClient"/> behaves. Every setting has a default that suits an app.</summary>
public sealed record ParleyClientOptions
{
    /// <summary>Told to the node in the hello, for operators' logs.</summary>
    public string ClientName { get; init; } = "parley-sdk/1";

    /// <summary>How long opening a connection and getting the welcome may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request waits for a connection and then for its answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first reconnection delay's ceiling; it doubles per failed attempt (with jitter).</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The highest reconnection delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Outbox messages on the wire at once. The node stores one connection's sends to a conversation
    /// in the order sent, so order holds; a send refused for a while (rate limit) is sent again after
    /// those behind it. 1 keeps strict order even then, at one round trip per message.
    /// </summary>
    public int MaxSendsInFlight { get; init; } = 16;

    /// <summary>How often "typing" is repeated while the user keeps typing (the node shows it for 5 s).</summary>
    public TimeSpan TypingRefresh { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Follows the presence of every member of the device's conversations after each connect.</summary>
    public bool FollowPresence { get; init; } = true;

    /// <summary>Where content becomes wire bytes; the default passes it through (no end-to-end encryption yet).</summary>
    public IPayloadSealer Sealer { get; init; } = PlaintextSealer.Instance;

    /// <summary>How connections are opened; the default is a WebSocket.</summary>
    public ITransport Transport { get; init; } = WebSocketTransport.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Jitter for reconnection delays (tests pass a seeded one).</summary>
    public Random Random { get; init; } = Random.Shared;

    internal void Validate()
    {
        if (ConnectTimeout <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), "timeouts must be positive");
        }
        if (MaxSendsInFlight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSendsInFlight), "at least one send must be allowed on the wire");
        }
        _ = new Backoff(ReconnectInitialDelay, ReconnectMaxDelay);
    }
}
