using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Grains;
using Parley.Grains.Accounts;
using Parley.Storage;

namespace Parley.Server.Gateway;

/// <summary>
/// What every device session shares: options, the actors, the clock, the request dispatcher, and the
/// set of live sessions (for deadlines and for closing them all when the node stops).
/// </summary>
public sealed class Gateway(
    IOptions<GatewayOptions> options,
    IGrainFactory grains,
    Actors actors,
    LocalConnections localConnections,
    TimeProvider clock,
    RequestDispatcher dispatcher,
    IConversationStore conversations,
    ILogger<Gateway> logger)
{
    private readonly ConcurrentDictionary<Guid, DeviceSession> _sessions = new();

    public GatewayOptions Options { get; } = options.Value;

    /// <summary>For making object references to sessions.</summary>
    public IGrainFactory Grains { get; } = grains;

    public Actors Actors { get; } = actors;

    /// <summary>Where account actors find this node's sessions, to call them without an Orleans message.</summary>
    public LocalConnections LocalConnections { get; } = localConnections;

    public TimeProvider Clock { get; } = clock;

    public RequestDispatcher Dispatcher { get; } = dispatcher;

    /// <summary>The logs, read directly for catching up: replay never goes through (or waits for) a conversation's actor.</summary>
    public IConversationStore Conversations { get; } = conversations;

    public ILogger Logger { get; } = logger;

    public int SessionCount => _sessions.Count;

    public bool HasSession(Guid connectionId) => _sessions.ContainsKey(connectionId);

    internal void Add(DeviceSession session) => _sessions[session.Id] = session;

    internal void Remove(DeviceSession session) => _sessions.TryRemove(session.Id, out _);

    /// <summary>Enforces hello and heartbeat deadlines and aborts connections stuck in closing.</summary>
    internal void CheckDeadlines()
    {
        var now = Clock.GetTimestamp();
        foreach (var session in _sessions.Values)
        {
            session.CheckDeadlines(now);
        }
    }

    internal void CloseAll()
    {
        foreach (var session in _sessions.Values)
        {
            session.Fail(Protocol.ErrorCode.ShuttingDown, "the node is shutting down; reconnect shortly");
        }
    }
}
