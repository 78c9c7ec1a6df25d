using Parley.Client;
using Parley.Client.Sqlite;

namespace Parley.Cli;

/// <summary>A running client for the profile's device, for the length of one verb.</summary>
public sealed class Session : IAsyncDisposable
{
    private readonly SqliteLocalStore _store;

    private Session(CliContext context, SqliteLocalStore store, ParleyClient client)
    {
        Context = context;
        _store = store;
        Client = client;
    }

    public CliContext Context { get; }

    public ParleyClient Client { get; }

    /// <summary>
    /// Opens the profile's device and starts connecting (it does not wait). Only a session that stays
    /// (the chat) follows presence; a one-shot verb would subscribe just to leave.
    /// </summary>
    public static async Task<Session> StartAsync(CliContext context, CancellationToken cancellationToken, bool followPresence = false)
    {
        var (store, identity) = await context.Profile.OpenDeviceAsync(cancellationToken);
        try
        {
            identity = identity with { Server = context.ServerOr(identity.Server) };
            var client = new ParleyClient(identity, store, new ParleyClientOptions
            {
                ClientName = "parley-cli/1",
                RequestTimeout = context.Timeout,
                ConnectTimeout = TimeSpan.FromSeconds(Math.Min(10, context.Timeout.TotalSeconds)),
                ReconnectMaxDelay = TimeSpan.FromSeconds(5),
                FollowPresence = followPresence,
                Logger = StderrLogger.FromEnvironment() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            });
            await client.StartAsync(cancellationToken);
            return new Session(context, store, client);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the profile's device without connecting (for reading the local store).</summary>
    public static async Task<Session> OpenOfflineAsync(CliContext context, CancellationToken cancellationToken)
    {
        var (store, identity) = await context.Profile.OpenDeviceAsync(cancellationToken);
        return new Session(context, store, new ParleyClient(identity, store));
    }

    /// <summary>Starts, then waits until the device has caught up with the node (everything pending is stored).</summary>
    public static async Task<Session> SyncedAsync(CliContext context, CancellationToken cancellationToken)
    {
        var session = await StartAsync(context, cancellationToken);
        try
        {
            await session.WaitAsync(session.Client.WaitUntilSyncedAsync(cancellationToken), "to catch up with the node");
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for <paramref name="task"/> no longer than the timeout; says why the node could not be reached when it times out.</summary>
    public async Task<T> WaitAsync<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Context.Timeout);
        }
        catch (TimeoutException)
        {
            throw Unreachable(what);
        }
    }

    public async Task WaitAsync(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Context.Timeout);
        }
        catch (TimeoutException)
        {
            throw Unreachable(what);
        }
    }

    public CliException Unreachable(string what)
    {
        var why = Client.Status.LastDisconnect is { } last ? $" ({last})" : "";
        return new CliException($"gave up after {Context.Timeout.TotalSeconds:0} s waiting {what} at {Client.Identity.Server}{why}");
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _store.DisposeAsync();
    }
}
