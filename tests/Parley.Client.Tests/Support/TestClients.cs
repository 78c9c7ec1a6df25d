using Parley.Client.Storage;
using Parley.Testing;

namespace Parley.Client.Tests.Support;

/// <summary>Real clients of real test nodes.</summary>
public static class TestClients
{
    /// <summary>Options that make a test's reconnects quick.</summary>
    public static ParleyClientOptions Options => new()
    {
        ClientName = "parley-client-tests",
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(15),
    };

    public static DeviceIdentity Identity(NodeEndpoint node, TestCredentials credentials) =>
        new(credentials.AccountId, credentials.DeviceId, credentials.Token, credentials.PhoneNumber, node.BaseAddress);

    /// <summary>Starts a client for the device (with an in-memory store unless given one) and, unless told not to, waits until it is synced.</summary>
    public static async Task<RecordingClient> StartAsync(NodeEndpoint node, TestCredentials credentials, ILocalStore? store = null, bool waitSynced = true, ParleyClientOptions? options = null)
    {
        var client = new ParleyClient(Identity(node, credentials), store ?? new InMemoryLocalStore(), options ?? Options);
        var recording = new RecordingClient(client);
        await client.StartAsync();
        if (waitSynced)
        {
            await client.WaitUntilSyncedAsync().WaitAsync(Eventually.DefaultTimeout);
        }
        return recording;
    }

    /// <summary>Registers a new account on the node and starts a client for its first device.</summary>
    public static async Task<RecordingClient> RegisterAsync(NodeEndpoint node, ILocalStore? store = null) =>
        await StartAsync(node, await node.RegisterAsync(), store);
}
