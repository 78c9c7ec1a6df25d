using Parley.Client.Connections;
using Parley.Client.Ephemeral;

namespace Parley.Client.Tests.Support;

/// <summary>A client with every event it raised recorded, in order.</summary>
public sealed class RecordingClient : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedMessage> _received = [];
    private readonly List<StatusUpdate> _statuses = [];
    private readonly List<TypingUpdate> _typing = [];
    private readonly List<PresenceState> _presence = [];
    private readonly List<ConnectionStatus> _connection = [];

    public RecordingClient(ParleyClient client)
    {
        Client = client;
        client.MessageReceived += (_, e) => Record(_received, e);
        client.MessageStatusChanged += (_, e) => Record(_statuses, e);
        client.TypingChanged += (_, e) => Record(_typing, e);
        client.PresenceChanged += (_, e) => Record(_presence, e);
        client.ConnectionChanged += (_, e) => Record(_connection, e);
    }

    public ParleyClient Client { get; }

    public string AccountId => Client.AccountId;

    public List<ReceivedMessage> Received => Snapshot(_received);

    public List<StatusUpdate> Statuses => Snapshot(_statuses);

    public List<TypingUpdate> Typing => Snapshot(_typing);

    public List<PresenceState> Presence => Snapshot(_presence);

    public List<ConnectionStatus> Connection => Snapshot(_connection);

    /// <summary>Texts of the text messages received (from anyone, own other devices included), in order.</summary>
    public List<string> ReceivedTexts => Received.Where(r => r.Content?.Text is not null).Select(r => r.Content!.Text.Body).ToList();

    public ValueTask DisposeAsync() => Client.DisposeAsync();

    private void Record<T>(List<T> list, T item)
    {
        lock (_lock)
        {
            list.Add(item);
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }
}
