using Parley.Client;
using Parley.Client.Sqlite;

namespace Parley.Cli;

/// <summary>
/// A profile: one folder per device, holding its credentials and local store in <c>parley.db</c>.
/// The folder is private to its user (the token in it is the device's only secret).
/// </summary>
public sealed record Profile(string Directory)
{
    public const string StoreFileName = "parley.db";

    public string StorePath => Path.Combine(Directory, StoreFileName);

    /// <summary>The folder given, else $PARLEY_PROFILE, else $XDG_DATA_HOME/parley, else ~/.local/share/parley.</summary>
    public static Profile Resolve(string? given)
    {
        if (given is { Length: > 0 })
        {
            return new Profile(Path.GetFullPath(given));
        }
        if (Environment.GetEnvironmentVariable("PARLEY_PROFILE") is { Length: > 0 } fromEnvironment)
        {
            return new Profile(Path.GetFullPath(fromEnvironment));
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return new Profile(Path.Combine(dataHome, "parley"));
    }

    public bool Exists => File.Exists(StorePath);

    /// <summary>Opens the profile's store; creates the folder (private to the user) when <paramref name="create"/>.</summary>
    public async Task<SqliteLocalStore> OpenStoreAsync(bool create, CancellationToken cancellationToken)
    {
        if (!create && !Exists)
        {
            throw NoDevice();
        }
        if (create && !System.IO.Directory.Exists(Directory))
        {
            if (OperatingSystem.IsWindows())
            {
                System.IO.Directory.CreateDirectory(Directory);
            }
            else
            {
                System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        return await SqliteLocalStore.OpenAsync(StorePath, cancellationToken);
    }

    /// <summary>Opens the store of a profile that holds a device, with its identity.</summary>
    public async Task<(SqliteLocalStore Store, DeviceIdentity Identity)> OpenDeviceAsync(CancellationToken cancellationToken)
    {
        var store = await OpenStoreAsync(create: false, cancellationToken);
        if (await store.GetIdentityAsync(cancellationToken) is { } identity)
        {
            return (store, identity);
        }
        await store.DisposeAsync();
        throw NoDevice();
    }

    public CliException NoDevice() =>
        new($"no device in profile {Directory}: run 'parley register PHONE' (or 'parley link CODE') first, or pass --profile");
}
