using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Storage.Sqlite;

namespace Parley.Storage.Tests;

/// <summary>A real SQLite file in a temporary folder, deleted afterwards; reopenable to test durability.</summary>
public sealed class TempDatabase : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parley-store-").FullName;

    public TempDatabase() => Database = Open();

    public SqliteDatabase Database { get; private set; }

    public SqliteDatabase Open() => new(Options.Create(new StorageOptions { DataDirectory = _directory }), NullLogger<SqliteDatabase>.Instance);

    /// <summary>Closes the database and opens the same file again.</summary>
    public async Task<SqliteDatabase> ReopenAsync()
    {
        await Database.DisposeAsync();
        return Database = Open();
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
